namespace EdgeLLM.Mqtt.Messages;

/// <summary>An MQTT 5 user property: a name/value pair; names may repeat and order is kept.</summary>
/// <param name="Name">The property name (UTF-8 on the wire).</param>
/// <param name="Value">The property value (UTF-8 on the wire).</param>
public readonly record struct MqttUserProperty(string Name, string Value);
