using Microsoft.Extensions.Logging;

namespace EdgeLLM.Mqtt.Client;

/// <summary>The MQTT connection's log messages (event ids 4000-4099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Connecting to MQTT broker {Endpoint} as '{ClientId}' (clean start {CleanStart}, session expiry {SessionExpirySeconds} s)")]
    public static partial void Connecting(ILogger logger, string endpoint, string? clientId, bool cleanStart, uint sessionExpirySeconds);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected to MQTT broker {Endpoint} (session present {SessionPresent}, {Resubscribed} subscriptions re-sent)")]
    public static partial void Connected(ILogger logger, string endpoint, bool sessionPresent, int resubscribed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "MQTT broker {Endpoint}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Lost the connection to MQTT broker {Endpoint}: {Reason}; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Connecting to MQTT broker {Endpoint} failed: {Reason}; retrying in about {Delay}")]
    public static partial void ConnectAttemptFailed(ILogger logger, string endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "MQTT broker refused the re-subscription to '{Filter}': {Reason}")]
    public static partial void ResubscribeRefused(ILogger logger, string filter, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Disconnected from MQTT broker {Endpoint}")]
    public static partial void Disconnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Re-subscribing to '{Filter}' was cut short by a lost connection ({Reason}); the next connection sends it again")]
    public static partial void ResubscribeInterrupted(ILogger logger, string filter, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Sending DISCONNECT to MQTT broker {Endpoint} failed: {Reason}")]
    public static partial void DisconnectFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "A ConnectionChanged handler threw")]
    public static partial void ConnectionChangedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "The acknowledgement of a message on '{Topic}' was not sent ({Reason}); the broker delivers it again")]
    public static partial void AcknowledgeFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "MQTT broker {Endpoint} did not answer a keepalive ping ({Reason}); reconnecting")]
    public static partial void KeepAliveFailed(ILogger logger, string endpoint, string reason);
}
