namespace EdgeLLM.Mqtt.Native;

/// <summary>MQTT 5 property identifiers (<c>enum mqtt5_property</c> in <c>mqtt_protocol.h</c>) the client reads or writes.</summary>
internal enum MqttPropertyId
{
    PayloadFormatIndicator = 1,
    MessageExpiryInterval = 2,
    ContentType = 3,
    ResponseTopic = 8,
    CorrelationData = 9,
    SubscriptionIdentifier = 11,
    SessionExpiryInterval = 17,
    AssignedClientIdentifier = 18,
    ServerKeepAlive = 19,
    ReasonString = 31,
    ReceiveMaximum = 33,
    UserProperty = 38,
    MaximumPacketSize = 39,
}
