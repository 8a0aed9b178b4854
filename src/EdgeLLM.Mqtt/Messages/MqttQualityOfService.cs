namespace EdgeLLM.Mqtt.Messages;

/// <summary>MQTT delivery guarantee.</summary>
public enum MqttQualityOfService
{
    /// <summary>QoS 0: fire and forget.</summary>
    AtMostOnce = 0,
    /// <summary>QoS 1: acknowledged by PUBACK; may be delivered more than once.</summary>
    AtLeastOnce = 1,
    /// <summary>QoS 2: four-way handshake, delivered once.</summary>
    ExactlyOnce = 2,
}
