namespace EdgeLLM.Mqtt.Errors;

/// <summary>
/// An MQTT operation failed. <see cref="ReasonCode"/>, when set, is the broker's MQTT 5 answer (a refused CONNECT, a
/// failed SUBACK or PUBACK); otherwise the cause (socket, TLS, MQTTnet) is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class MqttException : Exception
{
    /// <summary>Creates an exception with, if the broker answered, its reason code.</summary>
    public MqttException(string message, MqttReasonCode? reasonCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>The broker's MQTT 5 reason code, when the failure is the broker's answer.</summary>
    public MqttReasonCode? ReasonCode { get; }

    /// <summary>The broker answered <paramref name="operation"/> with a failure reason code.</summary>
    internal static MqttException FromReason(string operation, int reasonCode, string? reasonString = null) =>
        new($"{operation}: the broker answered {(MqttReasonCode)reasonCode} (MQTT reason code {reasonCode}){(string.IsNullOrEmpty(reasonString) ? "" : $": {reasonString}")}.",
            (MqttReasonCode)reasonCode);
}
