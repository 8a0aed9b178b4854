namespace EdgeLLM.Mqtt.Client;

/// <summary>The MQTT protocol version a <see cref="MqttConnection"/> speaks.</summary>
public enum MqttProtocol
{
    /// <summary>MQTT 5.0, the contract's preferred version.</summary>
    V500,
    /// <summary>MQTT 3.1.1, for brokers without MQTT 5: no Response Topic, Correlation Data, user properties or session expiry.</summary>
    V311,
}
