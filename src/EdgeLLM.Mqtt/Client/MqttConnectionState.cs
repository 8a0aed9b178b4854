namespace EdgeLLM.Mqtt.Client;

/// <summary>Where an <see cref="MqttConnection"/> stands with its broker.</summary>
public enum MqttConnectionState
{
    /// <summary>Not started, or stopped by <see cref="MqttConnection.DisconnectAsync"/>.</summary>
    Disconnected,
    /// <summary><see cref="MqttConnection.ConnectAsync"/> is waiting for the broker's first CONNACK.</summary>
    Connecting,
    /// <summary>The broker accepted the connection.</summary>
    Connected,
    /// <summary>The connection was lost; the connection is re-established with backoff. QoS 1/2 publishes wait in the outbox meanwhile.</summary>
    Reconnecting,
}
