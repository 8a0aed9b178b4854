using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// One libmosquitto instance and the thread that drives it, from the first connect to the final disconnect.
/// </summary>
/// <remarks>
/// The thread runs <c>mosquitto_loop</c> itself instead of <c>mosquitto_loop_start</c>: libmosquitto 2.0.11's own loop
/// thread gives up for good — silently in the TLS case — after a TLS handshake error, a refused CONNACK (reported as a
/// protocol error in MQTT 5) or a DISCONNECT sent by the broker. An edge device must come back on its own after all
/// of those, so this loop reconnects after every failure, with exponential backoff, and can be stopped at once.
/// </remarks>
internal sealed unsafe class MosquittoSession : IDisposable
{
    private const int LoopTimeoutMs = 1000;

    private readonly MqttClientOptions _options;
    private readonly CallbackSink _sink;
    private readonly MosquittoHandle _handle;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private volatile bool _stopRequested;
    private volatile bool _disconnectRequested;
    private bool _started;
    private bool _abandoned;
    private bool _disposed;

    public MosquittoSession(int id, MqttClientOptions options, ChannelWriter<MqttMessage> messages, ChannelWriter<NetworkEvent> events, bool forwardDebugLog)
    {
        MosquittoLibrary.EnsureInitialized();
        _options = options;
        Id = id;
        _sink = new CallbackSink(id, messages, events, forwardDebugLog);
        try
        {
            _handle = MosquittoHandle.Create(string.IsNullOrEmpty(options.ClientId) ? null : options.ClientId, options.CleanStart, _sink.UserData);
            _sink.Handle = _handle;
            Configure();
        }
        catch
        {
            _handle?.Dispose();
            _sink.Release();
            throw;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "mqtt-network" };
    }

    /// <summary>Number of this session within its client; events carry it.</summary>
    public int Id { get; }

    public MosquittoHandle Handle => _handle;

    /// <summary>True when the thread did not stop in time and the instance was left alive rather than destroyed under it.</summary>
    public bool Abandoned => _abandoned;

    /// <summary>Starts the network thread: it connects, then keeps the connection up until <see cref="Stop"/>.</summary>
    public void Start()
    {
        _started = true;
        _thread.Start();
    }

    /// <summary>
    /// Sends DISCONNECT (reason 0, or 4 to have the broker publish the Will) and stops the network thread.
    /// Returns false when the thread did not end within <paramref name="timeout"/>.
    /// </summary>
    public bool Stop(TimeSpan timeout, bool publishWill = false)
    {
        _disconnectRequested = true;
        int rc = MosquittoNative.DisconnectV5(_handle, publishWill ? MosquittoConstants.DisconnectWithWill : 0, IntPtr.Zero);
        if (!_started)
        {
            return true;
        }
        // Connected: the thread sends DISCONNECT and ends by itself once libmosquitto closes the socket.
        if (rc == 0 && _thread.Join(timeout / 2))
        {
            return true;
        }
        _stopRequested = true;
        _stopSignal.Set();
        if (_thread.Join(rc == 0 ? timeout / 2 : timeout))
        {
            return true;
        }
        _abandoned = true;
        return false;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_started && _thread.IsAlive)
        {
            // Destroying the instance or freeing the callback target under a running thread would crash the process;
            // leaking one instance is the lesser harm.
            _abandoned = true;
            return;
        }
        _handle.Dispose();
        _sink.Release();
        _stopSignal.Dispose();
    }

    private void Configure()
    {
        Check(MosquittoNative.IntOption(_handle, MosquittoConstants.OptionProtocolVersion, MosquittoConstants.ProtocolV5), "Selecting MQTT 5");
        Check(MosquittoNative.ThreadedSet(_handle, true), "Marking the instance as driven by its own thread");
        if (_options.TcpNoDelay)
        {
            Check(MosquittoNative.IntOption(_handle, MosquittoConstants.OptionTcpNoDelay, 1), "Setting TCP_NODELAY");
        }
        if (_options.Username is not null)
        {
            Check(MosquittoNative.UsernamePasswordSet(_handle, _options.Username, _options.Password), "Setting the user name and password");
        }
        MqttTlsOptions tls = _options.Tls;
        if (tls.Enabled)
        {
            if (tls.UseSystemCertificates)
            {
                Check(MosquittoNative.IntOption(_handle, MosquittoConstants.OptionTlsUseOsCertificates, 1), "Trusting the system CA store");
            }
            if (tls.CaFile is not null || tls.CaPath is not null)
            {
                Check(MosquittoNative.TlsSet(_handle, tls.CaFile, tls.CaPath, tls.CertificateFile, tls.KeyFile, IntPtr.Zero),
                    $"Setting up TLS (CaFile '{tls.CaFile}', CaPath '{tls.CaPath}', CertificateFile '{tls.CertificateFile}', KeyFile '{tls.KeyFile}')");
            }
            if (tls.SkipHostNameVerification)
            {
                Check(MosquittoNative.TlsInsecureSet(_handle, true), "Disabling TLS host name verification");
            }
        }
        if (_options.LastWill is { } will)
        {
            SetWill(will);
        }
        NativeCallbacks.Register(_handle);
    }

    private void SetWill(MqttMessage will)
    {
        using var properties = new MosquittoPropertyList();
        properties.AddMessageProperties(will);
        int rc;
        fixed (byte* payload = will.Payload.Span)
        {
            rc = MosquittoNative.WillSetV5(_handle, will.Topic, will.Payload.Length, payload, (int)will.QualityOfService, will.Retain, properties.Pointer);
        }
        Check(rc, $"Setting the Last Will on '{will.Topic}'");
        properties.ReleaseOwnership();
    }

    private void Run()
    {
        try
        {
            int rc;
            int errno;
            using (var properties = new MosquittoPropertyList())
            {
                if (_options.SessionExpirySeconds > 0)
                {
                    properties.AddInt32(MqttPropertyId.SessionExpiryInterval, _options.SessionExpirySeconds);
                }
                rc = MosquittoNative.ConnectBindV5(_handle, _options.Host, _options.Port, (int)_options.KeepAlive.TotalSeconds, null, properties.Pointer);
                errno = Marshal.GetLastPInvokeError();
            }
            while (!_stopRequested)
            {
                if (rc == 0)
                {
                    rc = MosquittoNative.Loop(_handle, LoopTimeoutMs, 1);
                    errno = Marshal.GetLastPInvokeError();
                    if (rc == 0)
                    {
                        continue;
                    }
                }
                if (_stopRequested || _disconnectRequested)
                {
                    break;
                }
                _sink.Post(NetworkEventKind.ConnectionFailed, rc, errno);
                if (_stopSignal.Wait(NextDelay(_sink.FailedAttempts++)))
                {
                    break;
                }
                rc = MosquittoNative.ReconnectAsync(_handle);
                errno = Marshal.GetLastPInvokeError();
            }
        }
        catch (Exception e)
        {
            _sink.Post(NetworkEventKind.CallbackFault, 0, 0, e.ToString());
        }
    }

    /// <summary>Exponential backoff from ReconnectDelay up to MaxReconnectDelay, ±20% so a fleet does not reconnect in lockstep.</summary>
    private TimeSpan NextDelay(int failedAttempts)
    {
        double baseMs = _options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts, 30));
        double cappedMs = Math.Min(baseMs, _options.MaxReconnectDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(cappedMs * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    private static void Check(int rc, string operation)
    {
        if (rc != 0)
        {
            throw MqttException.FromError(operation, rc);
        }
    }
}
