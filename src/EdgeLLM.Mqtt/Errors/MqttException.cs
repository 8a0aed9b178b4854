using EdgeLLM.Mqtt.Native;

namespace EdgeLLM.Mqtt;

/// <summary>
/// An MQTT operation failed. <see cref="ErrorCode"/> is libmosquitto's error (what failed on this side);
/// <see cref="ReasonCode"/>, when set, is the broker's MQTT 5 answer (a refused CONNECT, a failed SUBACK or PUBACK).
/// The message carries libmosquitto's own text for both.
/// </summary>
public sealed class MqttException : Exception
{
    /// <summary>Creates an exception with libmosquitto's error and, if the broker answered, its reason code.</summary>
    public MqttException(string message, MqttErrorCode errorCode, MqttReasonCode? reasonCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        ReasonCode = reasonCode;
    }

    /// <summary>libmosquitto's error code; <see cref="MqttErrorCode.Success"/> when only the broker's reason code applies.</summary>
    public MqttErrorCode ErrorCode { get; }

    /// <summary>The broker's MQTT 5 reason code, when the failure is the broker's answer.</summary>
    public MqttReasonCode? ReasonCode { get; }

    /// <summary>A libmosquitto call returned <paramref name="error"/>.</summary>
    internal static MqttException FromError(string operation, int error, int errno = 0, string? detail = null)
    {
        string text = MosquittoText.Error(error, errno);
        string message = detail is null
            ? $"{operation} failed: {text} (libmosquitto error {error})."
            : $"{operation} failed: {text} (libmosquitto error {error}): {detail}";
        return new MqttException(message, (MqttErrorCode)error);
    }

    /// <summary>The broker answered with a failure reason code.</summary>
    internal static MqttException FromReason(string operation, int reasonCode) =>
        new($"{operation}: the broker answered '{MosquittoText.Reason(reasonCode)}' (MQTT reason code {reasonCode}).",
            MqttErrorCode.Success, (MqttReasonCode)reasonCode);
}
