using EdgeLLM.Mqtt.Native;

namespace EdgeLLM.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Handles the network thread's events in order, on the thread pool.</summary>
    private async Task PumpEventsAsync()
    {
        await foreach (NetworkEvent networkEvent in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Handle(networkEvent);
            }
            catch (Exception e)
            {
                Log.EventHandlingFailed(_logger, networkEvent.Kind.ToString(), e);
            }
        }
    }

    private void Handle(NetworkEvent networkEvent)
    {
        switch (networkEvent.Kind)
        {
            case NetworkEventKind.Log:
                OnLibraryLog(networkEvent.Code, networkEvent.Text);
                return;
            case NetworkEventKind.CallbackFault:
                Log.CallbackFault(_logger, networkEvent.Text);
                return;
        }
        MosquittoSession? session;
        TaskCompletionSource? firstConnect;
        lock (_stateLock)
        {
            session = _session;
            firstConnect = _firstConnect;
            if (_stopping || session is null || session.Id != networkEvent.Session)
            {
                return;
            }
        }
        switch (networkEvent.Kind)
        {
            case NetworkEventKind.Connected:
                OnConnected(session, firstConnect, networkEvent.Code, networkEvent.Value);
                break;
            case NetworkEventKind.Disconnected:
                // Reason codes (0 or from 0x80) mean the broker sent DISCONNECT; the ConnectionFailed that follows reports it.
                if (networkEvent.Code == 0 || networkEvent.Code >= 0x80)
                {
                    _pendingDisconnectReason = $"the broker sent DISCONNECT: {MosquittoText.Reason(networkEvent.Code)}";
                    _pendingDisconnectCode = (MqttReasonCode)networkEvent.Code;
                }
                break;
            case NetworkEventKind.ConnectionFailed:
                OnConnectionFailed(firstConnect, networkEvent.Code, networkEvent.Value);
                break;
            case NetworkEventKind.Published:
                _publishes.Acknowledge(networkEvent.Value, networkEvent.Code);
                break;
            case NetworkEventKind.Subscribed:
                if (_subscriptions.OnSubscribeAcknowledged(networkEvent.Value, networkEvent.Code) is { } refused)
                {
                    Log.ResubscribeRefused(_logger, refused.Filter, MosquittoText.Reason(refused.ReasonCode), refused.ReasonCode);
                }
                break;
            case NetworkEventKind.Unsubscribed:
                _subscriptions.OnUnsubscribeAcknowledged(networkEvent.Value);
                break;
        }
    }

    private void OnConnected(MosquittoSession session, TaskCompletionSource? firstConnect, int reasonCode, int flags)
    {
        if (reasonCode != 0)
        {
            string reason = MosquittoText.Reason(reasonCode);
            Log.ConnectionRefused(_logger, _endpoint, reason, reasonCode);
            firstConnect?.TrySetException(MqttException.FromReason($"Connecting to {_endpoint} as '{_options.ClientId}'", reasonCode));
            _pendingDisconnectReason = $"the broker refused the connection: {reason}";
            _pendingDisconnectCode = (MqttReasonCode)reasonCode;
            return;
        }
        bool sessionPresent = (flags & MosquittoConstants.ConnackSessionPresent) != 0;
        int resubscribed = _subscriptions.OnConnected(session.Handle, sessionPresent);
        _pendingDisconnectReason = null;
        _pendingDisconnectCode = null;
        Log.Connected(_logger, _endpoint, sessionPresent, resubscribed);
        SetState(MqttConnectionState.Connected, sessionPresent, reason: null);
        firstConnect?.TrySetResult();
    }

    private void OnConnectionFailed(TaskCompletionSource? firstConnect, int error, int errno)
    {
        string reason = _pendingDisconnectReason ?? Describe(error, errno);
        MqttReasonCode? reasonCode = _pendingDisconnectCode;
        _pendingDisconnectReason = null;
        _pendingDisconnectCode = null;

        if (firstConnect is not null && !firstConnect.Task.IsCompleted)
        {
            if (IsPermanentFailure(error))
            {
                firstConnect.TrySetException(new MqttException($"Connecting to {_endpoint} failed: {reason}", (MqttErrorCode)error, reasonCode));
            }
            else
            {
                Log.ConnectAttemptFailed(_logger, _endpoint, reason);
            }
            return;
        }
        if (_state == MqttConnectionState.Connected)
        {
            Log.ConnectionLost(_logger, _endpoint, reason);
            _publishes.FailUnsentQos0($"the connection was lost ({reason})");
            SetState(MqttConnectionState.Reconnecting, sessionPresent: false, reason, (MqttErrorCode)error, reasonCode);
        }
        else
        {
            Log.ReconnectAttempt(_logger, _endpoint, reason);
        }
    }

    private void OnLibraryLog(int level, string? text)
    {
        if ((level & MosquittoConstants.LogError) != 0)
        {
            _lastLibraryError = text;
        }
        Log.Library(_logger, LevelName(level), text);
    }

    /// <summary>libmosquitto's text for <paramref name="error"/>, with errno's and, for TLS, OpenSSL's last words.</summary>
    private string Describe(int error, int errno)
    {
        string text = MosquittoText.Error(error, error == (int)MqttErrorCode.Errno ? errno : 0);
        if (error is (int)MqttErrorCode.Tls or (int)MqttErrorCode.TlsHandshake && _lastLibraryError is not null)
        {
            text = $"{text} ({_lastLibraryError})";
        }
        return $"{text} (libmosquitto error {error})";
    }

    /// <summary>
    /// Failures that retrying cannot fix while nothing has worked yet: bad settings, TLS, protocol or authentication
    /// errors. Unreachable brokers, refused TCP connections and DNS misses are retried: the broker or the network may
    /// simply not be up yet.
    /// </summary>
    private static bool IsPermanentFailure(int error) => error switch
    {
        (int)MqttErrorCode.OutOfMemory or (int)MqttErrorCode.Protocol or (int)MqttErrorCode.InvalidInput
            or (int)MqttErrorCode.Tls or (int)MqttErrorCode.TlsHandshake or (int)MqttErrorCode.NotSupported
            or (int)MqttErrorCode.Authentication or (int)MqttErrorCode.AclDenied or (int)MqttErrorCode.MalformedUtf8
            or (int)MqttErrorCode.DuplicateProperty or (int)MqttErrorCode.PayloadSize or (int)MqttErrorCode.OversizePacket
            or (int)MqttErrorCode.Ocsp => true,
        _ => false,
    };

    private static string LevelName(int level) =>
        (level & MosquittoConstants.LogError) != 0 ? "error"
        : (level & MosquittoConstants.LogWarning) != 0 ? "warning"
        : (level & MosquittoConstants.LogNotice) != 0 ? "notice"
        : (level & MosquittoConstants.LogInfo) != 0 ? "info"
        : "debug";
}
