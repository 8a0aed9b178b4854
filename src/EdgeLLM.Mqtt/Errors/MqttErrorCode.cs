namespace EdgeLLM.Mqtt;

/// <summary>
/// libmosquitto's own error codes (<c>enum mosq_err_t</c> in <c>mosquitto.h</c>): what went wrong on this side of
/// the connection, as opposed to a <see cref="MqttReasonCode"/>, which is the broker's answer.
/// </summary>
public enum MqttErrorCode
{
    /// <summary>No libmosquitto error; the failure is described by a <see cref="MqttReasonCode"/>.</summary>
    Success = 0,
    /// <summary>Out of memory.</summary>
    OutOfMemory = 1,
    /// <summary>A protocol error, also how libmosquitto reports a CONNACK that refused the connection.</summary>
    Protocol = 2,
    /// <summary>Invalid input (a topic, QoS, option or property that libmosquitto rejected).</summary>
    InvalidInput = 3,
    /// <summary>Not connected to a broker.</summary>
    NoConnection = 4,
    /// <summary>The broker refused the connection.</summary>
    ConnectionRefused = 5,
    /// <summary>Not found.</summary>
    NotFound = 6,
    /// <summary>The connection was lost.</summary>
    ConnectionLost = 7,
    /// <summary>A TLS error (certificate verification, handshake, unreadable key or certificate file).</summary>
    Tls = 8,
    /// <summary>The payload is too large for MQTT.</summary>
    PayloadSize = 9,
    /// <summary>Not supported by this libmosquitto build or protocol version.</summary>
    NotSupported = 10,
    /// <summary>Authentication failed.</summary>
    Authentication = 11,
    /// <summary>Access denied by the broker's ACL.</summary>
    AclDenied = 12,
    /// <summary>Unknown error.</summary>
    Unknown = 13,
    /// <summary>A system call failed; see the message for errno's text.</summary>
    Errno = 14,
    /// <summary>The broker's host name could not be resolved.</summary>
    HostLookup = 15,
    /// <summary>A SOCKS proxy error.</summary>
    Proxy = 16,
    /// <summary>A topic or string was not valid UTF-8.</summary>
    MalformedUtf8 = 18,
    /// <summary>The keepalive timed out.</summary>
    Keepalive = 19,
    /// <summary>A lookup failed.</summary>
    Lookup = 20,
    /// <summary>A malformed packet.</summary>
    MalformedPacket = 21,
    /// <summary>A property that may appear once was given twice.</summary>
    DuplicateProperty = 22,
    /// <summary>The TLS handshake failed.</summary>
    TlsHandshake = 23,
    /// <summary>The broker does not support this QoS.</summary>
    QosNotSupported = 24,
    /// <summary>The packet is larger than the broker accepts.</summary>
    OversizePacket = 25,
    /// <summary>OCSP check failed.</summary>
    Ocsp = 26,
    /// <summary>Timed out.</summary>
    Timeout = 27,
    /// <summary>The broker does not support retained messages.</summary>
    RetainNotSupported = 28,
    /// <summary>Invalid topic alias.</summary>
    TopicAliasInvalid = 29,
    /// <summary>Administrative action.</summary>
    AdministrativeAction = 30,
    /// <summary>Already exists.</summary>
    AlreadyExists = 31,
}
