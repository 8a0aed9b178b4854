using System.Security.Authentication;
using EdgeLLM.Mqtt.Errors;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeLLM.Mqtt.Client;

public sealed partial class MqttConnection
{
    /// <summary>
    /// Connects, waits for MQTTnet's Disconnected event, backs off, connects again — until stopped. Each step is an
    /// awaited task (the connect, the disconnect signal, the backoff delay), so nothing polls.
    /// </summary>
    private async Task RunAsync(CancellationToken stop)
    {
        TimeSpan delay = _options.ReconnectDelay;
        while (!stop.IsCancellationRequested)
        {
            var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _disconnected = disconnected;
            }
            MqttClientConnectResult? result = null;
            Exception? failure = null;
            try
            {
                result = await _client.ConnectAsync(_clientOptions, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failure = e;
            }
            if (result is { ResultCode: MqttClientConnectResultCode.Success })
            {
                // A connection that drops right after CONNACK has completed `disconnected` already: the wait below
                // returns at once and the loop reconnects.
                delay = _options.ReconnectDelay;
                _keepAlive.Start(_adapters.NegotiatedKeepAlive);
                await OnConnectedAsync(result, stop).ConfigureAwait(false);
                MqttClientDisconnectedEventArgs lost;
                try
                {
                    lost = await disconnected.Task.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _keepAlive.Stop();
                OnConnectionLost(lost);
            }
            else
            {
                string reason = result is not null
                    ? $"the broker refused the connection: {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : $" ({result.ReasonString})")}"
                    : Describe(failure!);
                lock (_lock)
                {
                    if (!_firstConnect.Task.IsCompleted && IsPermanent(result, failure))
                    {
                        Log.ConnectionRefused(_logger, _endpoint, reason);
                        _firstConnect.TrySetException(new MqttException($"Connecting to {_endpoint} as '{_options.ClientId}' failed: {reason}.",
                            result is null ? null : (MqttReasonCode)(int)result.ResultCode, failure));
                        return;
                    }
                }
                Log.ConnectAttemptFailed(_logger, _endpoint, reason, delay);
            }
            try
            {
                await Task.Delay(Jitter(delay), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task OnConnectedAsync(MqttClientConnectResult result, CancellationToken stop)
    {
        Subscription[] resend;
        lock (_lock)
        {
            resend = [.. _subscriptions.Values.Where(s => !result.IsSessionPresent || !s.Confirmed)];
        }
        int resubscribed = 0;
        foreach (Subscription subscription in resend)
        {
            try
            {
                await SendSubscribeAsync(subscription, stop).ConfigureAwait(false);
                resubscribed++;
            }
            catch (MqttException e)
            {
                Log.ResubscribeRefused(_logger, subscription.Filter, e.Message);
            }
            catch (Exception e) when (!_client.IsConnected || stop.IsCancellationRequested)
            {
                // The connection dropped again; the next one re-sends what is still unconfirmed.
                Log.ResubscribeInterrupted(_logger, subscription.Filter, e.Message);
                break;
            }
        }
        Log.Connected(_logger, _endpoint, result.IsSessionPresent, resubscribed);
        _outbox.Online(result.ReceiveMaximum is { } maximum ? maximum : null);
        lock (_lock)
        {
            _connected.TrySetResult();
            _firstConnect.TrySetResult();
        }
        SetState(MqttConnectionState.Connected, result.IsSessionPresent, reason: null);
    }

    private void OnConnectionLost(MqttClientDisconnectedEventArgs lost)
    {
        _outbox.Offline();
        lock (_lock)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        string reason = lost.Exception is { } e ? $"{lost.Reason}: {Describe(e)}" : $"{lost.Reason}{(string.IsNullOrEmpty(lost.ReasonString) ? "" : $" ({lost.ReasonString})")}";
        Log.ConnectionLost(_logger, _endpoint, reason);
        SetState(MqttConnectionState.Reconnecting, sessionPresent: false, reason);
    }

    /// <summary>MQTTnet's receive loop waits for this handler: copy the message into the channel and return.</summary>
    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        Func<CancellationToken, Task>? acknowledgement = null;
        if (_options.ManualAcknowledgement && e.ApplicationMessage.QualityOfServiceLevel != MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce)
        {
            // MQTTnet sends no PUBACK when the handler returns; the reader decides when, or whether, the broker hears it.
            e.AutoAcknowledge = false;
            var sent = 0;
            acknowledgement = ct => Interlocked.Exchange(ref sent, 1) == 0 ? e.AcknowledgeAsync(ct) : Task.CompletedTask;
        }
        _messages.Writer.TryWrite(MqttMessageMapping.FromApplicationMessage(e.ApplicationMessage, acknowledgement));
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected)
        {
            TaskCompletionSource<MqttClientDisconnectedEventArgs>? disconnected;
            lock (_lock)
            {
                disconnected = _disconnected;
            }
            disconnected?.TrySetResult(e);
        }
        return Task.CompletedTask;
    }

    private async Task StopAsync(bool publishWill, bool closeOutbox)
    {
        CancellationTokenSource? stop;
        Task run;
        lock (_lock)
        {
            stop = _stop;
            run = _run;
            _stop = null;
        }
        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
            stop.Dispose();
            _keepAlive.Stop();
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(_options.ShutdownTimeout);
                try
                {
                    await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder()
                        .WithReason(publishWill ? MqttClientDisconnectOptionsReason.DisconnectWithWillMessage : MqttClientDisconnectOptionsReason.NormalDisconnection)
                        .Build(), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Log.DisconnectFailed(_logger, _endpoint, e.Message);
                }
            }
            _outbox.Offline();
            lock (_lock)
            {
                _firstConnect.TrySetException(new MqttException($"Connecting to {_endpoint} did not finish: the connection was stopped."));
                if (_connected.Task.IsCompleted)
                {
                    _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            Log.Disconnected(_logger, _endpoint);
            SetState(MqttConnectionState.Disconnected, sessionPresent: false, "the connection was stopped");
        }
        if (closeOutbox)
        {
            _outbox.Close("the connection was disposed");
        }
    }

    /// <summary>
    /// Failures that retrying cannot fix while nothing has worked yet: a broker that answers with a refusal, and TLS
    /// failures (certificates). Unreachable brokers and refused TCP connections are retried: the broker or the
    /// network may simply not be up yet.
    /// </summary>
    private static bool IsPermanent(MqttClientConnectResult? result, Exception? failure) =>
        result is not null || failure is not null && Unwrap(failure).Any(e => e is AuthenticationException);

    private static IEnumerable<Exception> Unwrap(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static string Describe(Exception e) => string.Join(": ", Unwrap(e).Select(x => x.Message).Distinct());

    /// <summary>±20% so a fleet that lost its broker together does not come back in lockstep.</summary>
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));

    private void SetState(MqttConnectionState state, bool sessionPresent, string? reason)
    {
        _state = state;
        EventHandler<MqttConnectionChangedEventArgs>? handlers = ConnectionChanged;
        if (handlers is null)
        {
            return;
        }
        var args = new MqttConnectionChangedEventArgs(state, sessionPresent, reason);
        // Each handler on its own, so one that throws does not keep the others from hearing about the change.
        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<MqttConnectionChangedEventArgs>)handler)(this, args);
            }
            catch (Exception e)
            {
                Log.ConnectionChangedHandlerFailed(_logger, e);
            }
        }
    }
}
