using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// A model <see cref="ModelPool"/> loaded on demand, with what decides when it goes: the requests using it and how long
/// it may stay idle after the last one (Ollama's <c>keep_alive</c>). Its mutable state is the pool's, changed only
/// under the pool's lock.
/// </summary>
public sealed class PooledModel
{
    internal PooledModel(InstalledModel installed, LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(installed);
        ArgumentNullException.ThrowIfNull(loaded);
        Installed = installed;
        Loaded = loaded;
    }

    public InstalledModel Installed { get; }

    public LoadedModel Loaded { get; }

    /// <summary>Requests holding a lease on it now.</summary>
    public int Leases { get; internal set; }

    /// <summary>When it goes if no request comes first; null while in use or when it stays for good.</summary>
    public DateTimeOffset? ExpiresAt { get; internal set; }

    /// <summary>How long it may stay idle, from the latest request (null: for good).</summary>
    internal TimeSpan? IdleFor { get; set; }

    /// <summary>When the last request released it (least recently used goes first when the budget is short).</summary>
    internal DateTimeOffset LastUsed { get; set; }

    internal ITimer? Expiry { get; set; }
}
