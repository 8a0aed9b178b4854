namespace EdgeLLM.Mqtt;

/// <summary>Where an <see cref="MqttClient"/> stands with its broker.</summary>
public enum MqttConnectionState
{
    /// <summary>Not started, or stopped by <see cref="MqttClient.DisconnectAsync"/>.</summary>
    Disconnected,
    /// <summary><see cref="MqttClient.ConnectAsync"/> is waiting for the broker's first CONNACK.</summary>
    Connecting,
    /// <summary>The broker accepted the connection.</summary>
    Connected,
    /// <summary>The connection was lost; the client is reconnecting with backoff. QoS 1/2 publishes are kept meanwhile.</summary>
    Reconnecting,
}
