namespace EdgeLLM.Mqtt.Native;

/// <summary>What happened on the network thread; handled in order by the client's event pump.</summary>
internal enum NetworkEventKind
{
    /// <summary>CONNACK received: <see cref="NetworkEvent.Code"/> is the reason code, <see cref="NetworkEvent.Value"/> the CONNACK flags.</summary>
    Connected,
    /// <summary>libmosquitto's disconnect callback: <see cref="NetworkEvent.Code"/> is a libmosquitto error, or an MQTT reason code when the broker sent DISCONNECT.</summary>
    Disconnected,
    /// <summary>A <c>mosquitto_loop</c> pass or a (re)connect attempt failed: <see cref="NetworkEvent.Code"/> is the libmosquitto error, <see cref="NetworkEvent.Value"/> errno.</summary>
    ConnectionFailed,
    /// <summary>PUBACK/PUBCOMP (or a QoS 0 write): <see cref="NetworkEvent.Value"/> is the mid, <see cref="NetworkEvent.Code"/> the reason code.</summary>
    Published,
    /// <summary>SUBACK: <see cref="NetworkEvent.Value"/> is the mid, <see cref="NetworkEvent.Code"/> the granted QoS or failure reason code.</summary>
    Subscribed,
    /// <summary>UNSUBACK: <see cref="NetworkEvent.Value"/> is the mid.</summary>
    Unsubscribed,
    /// <summary>A libmosquitto log line: <see cref="NetworkEvent.Code"/> is the MOSQ_LOG_* level.</summary>
    Log,
    /// <summary>A callback caught an exception instead of letting it reach native code.</summary>
    CallbackFault,
}

/// <summary>
/// One network-thread event. A struct, so acknowledgements travel through the channel without a heap allocation.
/// <see cref="Session"/> tells events of a stopped session from those of the current one.
/// </summary>
internal readonly record struct NetworkEvent(int Session, NetworkEventKind Kind, int Code = 0, int Value = 0, string? Text = null);
