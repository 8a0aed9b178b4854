namespace EdgeLLM.Mqtt;

/// <summary>The connection state changed (see <see cref="MqttClient.ConnectionChanged"/>).</summary>
public sealed class MqttConnectionChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public MqttConnectionChangedEventArgs(MqttConnectionState state, bool sessionPresent, string? reason,
        MqttErrorCode? errorCode = null, MqttReasonCode? reasonCode = null)
    {
        State = state;
        SessionPresent = sessionPresent;
        Reason = reason;
        ErrorCode = errorCode;
        ReasonCode = reasonCode;
    }

    /// <summary>The new state.</summary>
    public MqttConnectionState State { get; }

    /// <summary>
    /// For <see cref="MqttConnectionState.Connected"/>: the broker still had this client id's session (its
    /// subscriptions and queued messages). When false the client has re-sent its subscriptions.
    /// </summary>
    public bool SessionPresent { get; }

    /// <summary>Why the connection ended (libmosquitto's or the broker's words); null for a connect.</summary>
    public string? Reason { get; }

    /// <summary>libmosquitto's error, when a local error ended the connection.</summary>
    public MqttErrorCode? ErrorCode { get; }

    /// <summary>The broker's reason code, when the broker refused or ended the connection.</summary>
    public MqttReasonCode? ReasonCode { get; }
}
