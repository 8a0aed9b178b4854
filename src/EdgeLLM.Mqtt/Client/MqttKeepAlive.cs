using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// Sends PINGREQ once per keepalive period while connected, from one timer, in place of MQTTnet's loop that wakes
/// every 250 ms (<see cref="KeepAliveChannelAdapter"/> says why). The broker allows one and a half periods without a
/// packet, so a ping per period keeps the session whatever else was sent. A ping not answered within half a period
/// ends the connection with an error reason (the broker then publishes the Last Will) and the connection's run loop
/// reconnects, as it does after MQTTnet's own keepalive failure.
/// </summary>
internal sealed class MqttKeepAlive : IDisposable
{
    private readonly IMqttClient _client;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private TimeSpan _period;
    private int _pinging;

    public MqttKeepAlive(IMqttClient client, string endpoint, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _endpoint = endpoint;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Pings every <paramref name="period"/> from now on (0: keepalive off, nothing runs).</summary>
    public void Start(TimeSpan period)
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _period = period;
            if (period > TimeSpan.Zero)
            {
                _timer = _time.CreateTimer(static state => ((MqttKeepAlive)state!).Tick(), this, period, period);
            }
        }
    }

    /// <summary>Stops pinging (the connection is gone or being closed).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => Stop();

    private void Tick()
    {
        // A ping is answered or given up within half a period, so ticks never overlap; this only guards a stalled clock.
        if (Interlocked.Exchange(ref _pinging, 1) == 1)
        {
            return;
        }
        _ = PingAsync();
    }

    private async Task PingAsync()
    {
        try
        {
            TimeSpan period;
            lock (_lock)
            {
                period = _period;
            }
            if (!_client.IsConnected || period <= TimeSpan.Zero)
            {
                return;
            }
            using var timeout = new CancellationTokenSource(period / 2, _time);
            try
            {
                await _client.PingAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (!_client.IsConnected)
                {
                    // Lost meanwhile: the run loop already reconnects.
                    return;
                }
                Log.KeepAliveFailed(_logger, _endpoint, e.Message);
                await DropAsync(period).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _pinging, 0);
        }
    }

    private async Task DropAsync(TimeSpan period)
    {
        using var timeout = new CancellationTokenSource(period / 2, _time);
        try
        {
            // Any reason but a normal disconnection: the broker publishes the Last Will. MQTTnet raises Disconnected
            // whether or not the DISCONNECT gets through, and the connection's run loop reconnects.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder()
                .WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError)
                .Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.DisconnectFailed(_logger, _endpoint, e.Message);
        }
    }
}
