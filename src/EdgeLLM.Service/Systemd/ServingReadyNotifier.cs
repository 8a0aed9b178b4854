using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLLM.Service.Systemd;

/// <summary>
/// The <see cref="ISystemdNotifier"/> the host uses: it forwards to the package's <see cref="SystemdNotifier"/>, but
/// holds <c>READY=1</c> back until the model serves. <see cref="SystemdLifetime"/> sends READY at ApplicationStarted,
/// which for EdgeLLM comes while the model is still mapping in (loading runs in the background so that
/// <c>/healthz</c> and <c>STATUS=</c> work meanwhile); a unit that counted as started then would take requests it
/// cannot answer, and one whose model never loads would look healthy. Here READY goes out once the start-up probe
/// has passed — together with the status that says what serves — and never when no model loads.
/// </summary>
public sealed class ServingReadyNotifier(ISystemdNotifier inner) : ISystemdNotifier
{
    private static readonly string s_ready = ServiceState.Ready.ToString();
    private readonly Lock _lock = new();
    private bool _readyRequested;
    private bool _serving;

    /// <inheritdoc />
    public bool IsEnabled => inner.IsEnabled;

    /// <inheritdoc />
    public void Notify(ServiceState state)
    {
        if (state.ToString() == s_ready)
        {
            lock (_lock)
            {
                if (!_serving)
                {
                    _readyRequested = true;
                    return;
                }
            }
        }
        inner.Notify(state);
    }

    /// <summary>
    /// The model serves: sends <c>STATUS=</c><paramref name="status"/>, with the <c>READY=1</c> held back so far (or
    /// lets the host's READY through unchanged when it comes later).
    /// </summary>
    public void Serving(string status)
    {
        bool release;
        lock (_lock)
        {
            _serving = true;
            release = _readyRequested;
        }
        inner.Notify(new ServiceState(release ? $"{s_ready}\nSTATUS={status}" : $"STATUS={status}"));
    }
}
