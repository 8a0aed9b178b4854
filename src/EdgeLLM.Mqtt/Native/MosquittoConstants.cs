namespace EdgeLLM.Mqtt.Native;

/// <summary>Values from <c>mosquitto.h</c> and <c>mqtt_protocol.h</c> that the binding passes to libmosquitto.</summary>
internal static class MosquittoConstants
{
    // enum mosq_opt_t
    public const int OptionProtocolVersion = 1;
    public const int OptionReceiveMaximum = 4;
    public const int OptionSendMaximum = 5;
    public const int OptionTcpNoDelay = 11;
    public const int OptionTlsUseOsCertificates = 13;

    // MQTT_PROTOCOL_V5 (mosquitto.h)
    public const int ProtocolV5 = 5;

    // Log levels (MOSQ_LOG_*)
    public const int LogInfo = 1 << 0;
    public const int LogNotice = 1 << 1;
    public const int LogWarning = 1 << 2;
    public const int LogError = 1 << 3;
    public const int LogDebug = 1 << 4;


    // CONNACK flags: bit 0 is "session present"
    public const int ConnackSessionPresent = 0x01;

    // MQTT_RC_DISCONNECT_WITH_WILL_MSG
    public const int DisconnectWithWill = 4;

    /// <summary>
    /// Errors after which <c>mosquitto_loop_forever</c> (the thread behind <c>mosquitto_loop_start</c>) returns instead of
    /// reconnecting (lib/loop.c, 2.0.11). The client restarts the loop itself when it sees one of these.
    /// </summary>
    public static bool EndsNetworkLoop(int error) => error switch
    {
        (int)MqttErrorCode.OutOfMemory or (int)MqttErrorCode.Protocol or (int)MqttErrorCode.InvalidInput
            or (int)MqttErrorCode.NotFound or (int)MqttErrorCode.Tls or (int)MqttErrorCode.PayloadSize
            or (int)MqttErrorCode.NotSupported or (int)MqttErrorCode.Authentication or (int)MqttErrorCode.AclDenied
            or (int)MqttErrorCode.Unknown or (int)MqttErrorCode.HostLookup or (int)MqttErrorCode.Proxy => true,
        _ => false,
    };
}
