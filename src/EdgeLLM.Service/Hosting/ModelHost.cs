using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// The one serving model, shared by MQTT, REST and OTA. A swap (OTA activation or rollback) loads the new model
/// first, points new requests at it, then lets the old engine finish what it runs before freeing it, so a
/// request never meets a half-switched model.
/// </summary>
public sealed partial class ModelHost(ModelLoader loader, ILogger<ModelHost> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _swapGate = new(1, 1);
    private readonly Lock _stopLock = new();
    private readonly TaskCompletionSource<LoadedModel> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LoadedModel? _current;
    private TimeSpan _drain = TimeSpan.FromSeconds(20);
    private Task? _stopping;
    private Task _retiring = Task.CompletedTask;

    /// <summary>Raised after a model starts serving (first load and every swap).</summary>
    public event Action<LoadedModel>? ModelChanged;

    public LoadedModel? Current => _current;

    /// <summary>True once a model is loaded and its engine takes requests (<c>/readyz</c>, READY=1).</summary>
    public bool IsReady => _current is { Engine.IsAcceptingRequests: true };

    public ServingPlan Plan => loader.Plan;

    /// <summary>
    /// Completes once the first model has answered its start-up probe: the moment systemd hears READY=1 and the MQTT
    /// front subscribes. Never completes when no model can be loaded (the service then stops).
    /// </summary>
    public Task<LoadedModel> WhenServingAsync(CancellationToken cancellationToken) => _serving.Task.WaitAsync(cancellationToken);

    /// <summary>The start-up probe passed on the current model (see <see cref="WhenServingAsync"/>).</summary>
    internal void ConfirmServing()
    {
        if (_current is { } current)
        {
            _serving.TrySetResult(current);
        }
    }

    /// <summary>Seconds in-flight requests get when a model is replaced or the service stops.</summary>
    public TimeSpan Drain
    {
        get => _drain;
        set => _drain = value;
    }

    /// <summary>The engine to send a request to.</summary>
    /// <exception cref="GenerationException">model_unavailable before the first model is loaded.</exception>
    public IInferenceExecutor RequireEngine() =>
        _current?.Engine ?? throw new GenerationException(GenerationErrorCode.ModelUnavailable, "no model is loaded yet; try again shortly");

    /// <summary>Loads <paramref name="directory"/> and makes it the serving model.</summary>
    public async Task LoadAsync(string directory, CancellationToken cancellationToken)
    {
        await _swapGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var loaded = await Task.Run(() => loader.Load(directory), cancellationToken).ConfigureAwait(false);
            var previous = _current;
            _current = loaded;
            LogServing(logger, loaded.Model.Identity.Id, loaded.Model.Identity.Version, loaded.ExecutionProvider, directory);
            ModelChanged?.Invoke(loaded);
            if (previous is not null)
            {
                // The old engine drains while the new one serves; stopping waits for it.
                _retiring = Task.WhenAll(_retiring, RetireAsync(previous));
            }
        }
        finally
        {
            _swapGate.Release();
        }
    }

    /// <summary>
    /// Generates a few tokens through the serving engine, the start-up probe and the proof an OTA switch is
    /// confirmed on: a model that loads but cannot decode is not healthy. Returns the milliseconds it took.
    /// </summary>
    public async Task<double> ProbeAsync(CancellationToken cancellationToken)
    {
        var result = await RequireEngine().GenerateAsync(new GenerationRequest
        {
            Id = "startup-probe",
            Prompt = "ok",
            MaxTokens = 2,
            Temperature = 0,
            Priority = RequestPriority.High,
        }, cancellationToken).ConfigureAwait(false);
        return result.Usage.TotalMs;
    }

    /// <summary>
    /// Stops taking requests and lets in-flight ones finish within <see cref="Drain"/>; the rest end cancelled.
    /// Started once, when the host begins to stop, so that the transports can still deliver the final answers
    /// while the engine drains; later calls wait for the same stop.
    /// </summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stopping ??= StopOnceAsync();
        }
    }

    private async Task StopOnceAsync()
    {
        await _swapGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_current is { } current)
            {
                await current.StopAsync(_drain).ConfigureAwait(false);
                _current = null;
            }
            await _retiring.ConfigureAwait(false);
        }
        finally
        {
            _swapGate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task RetireAsync(LoadedModel previous)
    {
        try
        {
            await previous.StopAsync(_drain).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogRetireFailed(logger, previous.Model.Identity.Id, e);
        }
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "Serving {Model} {Version} on {Provider} from {Directory}")]
    private static partial void LogServing(ILogger logger, string model, string version, string provider, string directory);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Freeing the replaced model {Model} failed")]
    private static partial void LogRetireFailed(ILogger logger, string model, Exception exception);
}
