using Microsoft.Extensions.Logging;

namespace EdgeLLM.Mqtt;

/// <summary>The MQTT client's log messages (event ids 4000-4099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Connecting to MQTT broker {Endpoint} as '{ClientId}' (clean start {CleanStart}, session expiry {SessionExpirySeconds} s)")]
    public static partial void Connecting(ILogger logger, string endpoint, string? clientId, bool cleanStart, uint sessionExpirySeconds);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected to MQTT broker {Endpoint} (session present {SessionPresent}, {Resubscribed} subscriptions re-sent)")]
    public static partial void Connected(ILogger logger, string endpoint, bool sessionPresent, int resubscribed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "MQTT broker {Endpoint} refused the connection: {Reason} (reason code {ReasonCode})")]
    public static partial void ConnectionRefused(ILogger logger, string endpoint, string reason, int reasonCode);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Lost the connection to MQTT broker {Endpoint}: {Reason}; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Connecting to MQTT broker {Endpoint} failed: {Reason}; retrying")]
    public static partial void ConnectAttemptFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Reconnect attempt to MQTT broker {Endpoint}: {Reason}")]
    public static partial void ReconnectAttempt(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "MQTT broker refused the re-subscription to '{Filter}': {Reason} (reason code {ReasonCode})")]
    public static partial void ResubscribeRefused(ILogger logger, string filter, string reason, int reasonCode);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Disconnected from MQTT broker {Endpoint}")]
    public static partial void Disconnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "libmosquitto [{Level}]: {Text}")]
    public static partial void Library(ILogger logger, string level, string? text);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "A libmosquitto callback failed (the exception was kept from native code): {Details}")]
    public static partial void CallbackFault(ILogger logger, string? details);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Publish to '{Topic}' at QoS {Qos} queued while disconnected; it goes out after the reconnect")]
    public static partial void PublishQueuedOffline(ILogger logger, string topic, int qos);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "The MQTT network thread did not stop within {Timeout}; its libmosquitto instance is left alive instead of being destroyed under it")]
    public static partial void ShutdownAbandoned(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "MQTT message handler failed for a message on '{Topic}'; continuing with the next message")]
    public static partial void MessageHandlerFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "A ConnectionChanged handler threw")]
    public static partial void ConnectionChangedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Error, Message = "Handling an MQTT network event of kind {Kind} failed")]
    public static partial void EventHandlingFailed(ILogger logger, string kind, Exception exception);
}
