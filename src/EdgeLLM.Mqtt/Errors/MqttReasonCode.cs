namespace EdgeLLM.Mqtt.Errors;

/// <summary>
/// MQTT 5 reason codes (<c>enum mqtt5_return_codes</c> in <c>mqtt_protocol.h</c>): the broker's answer in CONNACK,
/// PUBACK/PUBREC, SUBACK and DISCONNECT. Values below 0x80 mean success.
/// </summary>
public enum MqttReasonCode
{
    /// <summary>Success; in a SUBACK, granted QoS 0; in a DISCONNECT, a normal disconnection.</summary>
    Success = 0,
    /// <summary>SUBACK: granted QoS 1.</summary>
    GrantedQos1 = 1,
    /// <summary>SUBACK: granted QoS 2.</summary>
    GrantedQos2 = 2,
    /// <summary>DISCONNECT: disconnect and publish the Will.</summary>
    DisconnectWithWillMessage = 4,
    /// <summary>PUBACK/PUBREC: accepted, but nobody is subscribed.</summary>
    NoMatchingSubscribers = 16,
    /// <summary>UNSUBACK: there was no such subscription.</summary>
    NoSubscriptionExisted = 17,
    /// <summary>Unspecified error.</summary>
    UnspecifiedError = 128,
    /// <summary>Malformed packet.</summary>
    MalformedPacket = 129,
    /// <summary>Protocol error.</summary>
    ProtocolError = 130,
    /// <summary>Implementation specific error.</summary>
    ImplementationSpecificError = 131,
    /// <summary>Unsupported protocol version.</summary>
    UnsupportedProtocolVersion = 132,
    /// <summary>Client identifier not valid.</summary>
    ClientIdentifierNotValid = 133,
    /// <summary>Bad user name or password.</summary>
    BadUserNameOrPassword = 134,
    /// <summary>Not authorized (Mosquitto 2.0 also answers a wrong password with this).</summary>
    NotAuthorized = 135,
    /// <summary>Server unavailable.</summary>
    ServerUnavailable = 136,
    /// <summary>Server busy.</summary>
    ServerBusy = 137,
    /// <summary>Banned.</summary>
    Banned = 138,
    /// <summary>Server shutting down.</summary>
    ServerShuttingDown = 139,
    /// <summary>Bad authentication method.</summary>
    BadAuthenticationMethod = 140,
    /// <summary>Keep alive timeout.</summary>
    KeepAliveTimeout = 141,
    /// <summary>Another connection with the same client id took the session over.</summary>
    SessionTakenOver = 142,
    /// <summary>Topic filter invalid.</summary>
    TopicFilterInvalid = 143,
    /// <summary>Topic name invalid.</summary>
    TopicNameInvalid = 144,
    /// <summary>Packet identifier in use.</summary>
    PacketIdentifierInUse = 145,
    /// <summary>Packet identifier not found.</summary>
    PacketIdentifierNotFound = 146,
    /// <summary>Receive maximum exceeded.</summary>
    ReceiveMaximumExceeded = 147,
    /// <summary>Topic alias invalid.</summary>
    TopicAliasInvalid = 148,
    /// <summary>Packet too large.</summary>
    PacketTooLarge = 149,
    /// <summary>Message rate too high.</summary>
    MessageRateTooHigh = 150,
    /// <summary>Quota exceeded.</summary>
    QuotaExceeded = 151,
    /// <summary>Administrative action.</summary>
    AdministrativeAction = 152,
    /// <summary>Payload format invalid.</summary>
    PayloadFormatInvalid = 153,
    /// <summary>Retain not supported.</summary>
    RetainNotSupported = 154,
    /// <summary>QoS not supported.</summary>
    QosNotSupported = 155,
    /// <summary>Use another server.</summary>
    UseAnotherServer = 156,
    /// <summary>Server moved.</summary>
    ServerMoved = 157,
    /// <summary>Shared subscriptions not supported.</summary>
    SharedSubscriptionsNotSupported = 158,
    /// <summary>Connection rate exceeded.</summary>
    ConnectionRateExceeded = 159,
    /// <summary>Maximum connect time.</summary>
    MaximumConnectTime = 160,
    /// <summary>Subscription identifiers not supported.</summary>
    SubscriptionIdentifiersNotSupported = 161,
    /// <summary>Wildcard subscriptions not supported.</summary>
    WildcardSubscriptionsNotSupported = 162,
}
