using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Installed models loaded on demand beside the serving model (Ollama's API names them per request). A model loads when
/// a request names it and the memory budget holds it beside the serving model and the others loaded, unloading idle
/// ones, least recently used first, when that makes room; otherwise the request is <c>over_budget</c>. An idle model
/// stays for the request's <c>keep_alive</c>, then is drained and freed. The serving model (<see cref="ModelHost"/>:
/// start-up, OTA) is never touched here, so a device that only serves it works exactly as before.
/// </summary>
public sealed partial class ModelPool(ModelHost host, ModelLoader loader, TimeProvider time, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Dictionary<string, PooledModel> _models = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelPool>();
    private Task _retiring = Task.CompletedTask;
    private bool _disposed;

    /// <summary>The models loaded here now (not the serving model).</summary>
    public IReadOnlyList<PooledModel> Loaded
    {
        get
        {
            lock (_lock)
            {
                return [.. _models.Values];
            }
        }
    }

    /// <summary>Holds <paramref name="model"/> for one request, loading it first when it is not loaded.</summary>
    /// <param name="model">An installed model other than the serving one.</param>
    /// <param name="idleFor">How long it may stay loaded once idle (null: for good; zero: unloaded as soon as idle).</param>
    /// <param name="cancellationToken">Cancels waiting for another load.</param>
    /// <exception cref="GenerationException"><c>over_budget</c> when it cannot fit; <c>model_unavailable</c> when it does not
    /// load or the service is stopping.</exception>
    public async Task<ModelLease> AcquireAsync(InstalledModel model, TimeSpan? idleFor, CancellationToken cancellationToken)
    {
        if (TryLease(model, idleFor) is { } lease)
        {
            return lease;
        }
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (TryLease(model, idleFor) is { } loadedMeanwhile)
            {
                return loadedMeanwhile;
            }
            var loaded = await LoadWithinBudgetAsync(model, cancellationToken).ConfigureAwait(false);
            LogLoaded(_logger, loaded.Model.Identity.Id, loaded.Model.Identity.Version, loaded.MemoryBytes);
            var pooled = new PooledModel(model, loaded);
            lock (_lock)
            {
                if (_disposed)
                {
                    // Stopped while it loaded: free it rather than leave it to nobody.
                    _retiring = Task.WhenAll(_retiring, RetireAsync(loaded));
                }
                ThrowIfStopping();
                _models[model.Directory] = pooled;
                return LeaseLocked(pooled, idleFor);
            }
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private ModelLease? TryLease(InstalledModel model, TimeSpan? idleFor)
    {
        lock (_lock)
        {
            ThrowIfStopping();
            return _models.TryGetValue(model.Directory, out var pooled) ? LeaseLocked(pooled, idleFor) : null;
        }
    }

    private ModelLease LeaseLocked(PooledModel pooled, TimeSpan? idleFor)
    {
        pooled.Leases++;
        pooled.IdleFor = idleFor;
        pooled.ExpiresAt = null;
        pooled.Expiry?.Dispose();
        pooled.Expiry = null;
        return new ModelLease(this, pooled);
    }

    /// <summary>A request that arrives while the service stops gets an answer, not an exception.</summary>
    private void ThrowIfStopping()
    {
        if (_disposed)
        {
            throw new GenerationException(GenerationErrorCode.ModelUnavailable, "the service is stopping");
        }
    }

    /// <summary>Ends one lease; the last one starts the model's keep-alive.</summary>
    internal void Release(PooledModel pooled)
    {
        lock (_lock)
        {
            if (--pooled.Leases > 0 || _disposed)
            {
                return;
            }
            pooled.LastUsed = time.GetUtcNow();
            // Timers take at most about 49 days; a keep-alive longer than that is "for good" on a device.
            if (pooled.IdleFor is not { } idle || idle > MaxTimer)
            {
                return;
            }
            pooled.ExpiresAt = pooled.LastUsed + idle;
            if (idle <= TimeSpan.Zero)
            {
                // keep_alive 0: unloaded as soon as the last request lets go.
                _models.Remove(pooled.Installed.Directory);
                RetireLocked(pooled, "keep_alive 0");
                return;
            }
            pooled.Expiry = time.CreateTimer(static state => ((ExpiryCall)state!).Run(), new ExpiryCall(this, pooled), idle, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Unloads <paramref name="pooled"/> if it is still idle and past its keep-alive.</summary>
    private void Expire(PooledModel pooled)
    {
        lock (_lock)
        {
            if (pooled.Leases > 0 || pooled.ExpiresAt is not { } at || at > time.GetUtcNow() || !_models.Remove(pooled.Installed.Directory))
            {
                return;
            }
            RetireLocked(pooled, "its keep_alive ran out");
        }
    }

    /// <summary>Loads under the budget the serving model and the pooled ones leave, unloading idle ones until it fits.</summary>
    private async Task<LoadedModel> LoadWithinBudgetAsync(InstalledModel model, CancellationToken cancellationToken)
    {
        while (true)
        {
            var budget = loader.Plan.MemoryBudgetBytes;
            var left = budget - (host.Current?.MemoryBytes ?? 0) - Loaded.Sum(p => p.Loaded.MemoryBytes);
            if (budget <= 0 || left > 0)
            {
                try
                {
                    // The loader's own check and batch sizing, against what is left of the budget (0 means no budget).
                    var within = loader.With(loader.Plan with { MemoryBudgetBytes = budget <= 0 ? 0 : left });
                    return await Task.Run(() => within.Load(model.Directory), cancellationToken).ConfigureAwait(false);
                }
                catch (ModelLoadException e) when (e.InnerException is MemoryBudgetException)
                {
                    if (!EvictIdle())
                    {
                        throw new GenerationException(GenerationErrorCode.OverBudget,
                            $"model {model.Identity.Id} {model.Identity.Version} does not fit the memory budget beside the models in use: {e.Message}", e);
                    }
                }
                catch (ModelLoadException e)
                {
                    throw new GenerationException(GenerationErrorCode.ModelUnavailable, $"model {model.Identity.Id} {model.Identity.Version} cannot be loaded: {e.Message}", e);
                }
            }
            else if (!EvictIdle())
            {
                throw new GenerationException(GenerationErrorCode.OverBudget,
                    $"model {model.Identity.Id} {model.Identity.Version} does not fit: the memory budget of {budget} bytes is taken by the models in use");
            }
        }
    }

    /// <summary>Unloads the least recently used idle model; false when every loaded model is in use.</summary>
    private bool EvictIdle()
    {
        lock (_lock)
        {
            PooledModel? oldest = null;
            foreach (var pooled in _models.Values)
            {
                if (pooled.Leases == 0 && (oldest is null || pooled.LastUsed < oldest.LastUsed))
                {
                    oldest = pooled;
                }
            }
            if (oldest is null)
            {
                return false;
            }
            _models.Remove(oldest.Installed.Directory);
            RetireLocked(oldest, "another model needs its memory");
            return true;
        }
    }

    private void RetireLocked(PooledModel pooled, string why)
    {
        pooled.Expiry?.Dispose();
        pooled.Expiry = null;
        LogUnloaded(_logger, pooled.Loaded.Model.Identity.Id, pooled.Loaded.Model.Identity.Version, why);
        _retiring = Task.WhenAll(_retiring, RetireAsync(pooled.Loaded));
    }

    private async Task RetireAsync(LoadedModel loaded)
    {
        try
        {
            await loaded.StopAsync(host.Drain).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogRetireFailed(_logger, loaded.Model.Identity.Id, e);
        }
    }

    /// <summary>A task that completes once every unloaded model has been freed (tests and shutdown wait on it).</summary>
    public Task Retired
    {
        get
        {
            lock (_lock)
            {
                return _retiring;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var pooled in _models.Values)
            {
                RetireLocked(pooled, "the service stops");
            }
            _models.Clear();
        }
        await Retired.ConfigureAwait(false);
        _loadGate.Dispose();
    }

    /// <summary>The state a keep-alive timer carries (no closure per timer).</summary>
    private sealed class ExpiryCall(ModelPool pool, PooledModel pooled)
    {
        public void Run() => pool.Expire(pooled);
    }

    [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "Loaded {Model} {Version} on demand ({Bytes} bytes with its KV cache)")]
    private static partial void LogLoaded(ILogger logger, string model, string version, long bytes);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Information, Message = "Unloading {Model} {Version}: {Reason}")]
    private static partial void LogUnloaded(ILogger logger, string model, string version, string reason);

    [LoggerMessage(EventId = 5123, Level = LogLevel.Warning, Message = "Freeing the unloaded model {Model} failed")]
    private static partial void LogRetireFailed(ILogger logger, string model, Exception exception);
}
