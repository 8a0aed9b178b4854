namespace EdgeLLM.Mqtt.Client;

/// <summary>The connection state changed (see <see cref="MqttConnection.ConnectionChanged"/>).</summary>
public sealed class MqttConnectionChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public MqttConnectionChangedEventArgs(MqttConnectionState state, bool sessionPresent, string? reason)
    {
        State = state;
        SessionPresent = sessionPresent;
        Reason = reason;
    }

    /// <summary>The new state.</summary>
    public MqttConnectionState State { get; }

    /// <summary>
    /// For <see cref="MqttConnectionState.Connected"/>: the broker still had this client id's session (its
    /// subscriptions and queued messages). When false the connection has re-sent its subscriptions.
    /// </summary>
    public bool SessionPresent { get; }

    /// <summary>Why the connection ended (the broker's or the network's words); null for a connect.</summary>
    public string? Reason { get; }
}
