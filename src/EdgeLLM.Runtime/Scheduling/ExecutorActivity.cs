namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// What an executor's loop reports of its own work, written by the loop thread and read by any (stats, health):
/// heartbeat, tokens taken in and given out, the last step's batch and a smoothed tokens-per-second. One type for both
/// executors, so that their stats mean the same.
/// </summary>
internal sealed class ExecutorActivity(TimeProvider time)
{
    /// <summary>After this long without a step the executor counts as idle and its rate reads 0.</summary>
    private static readonly long IdleTicks = TimeSpan.TicksPerSecond * 5;

    private long _heartbeatTicks = time.GetUtcNow().UtcTicks;
    private long _lastStepTicks;
    private long _promptTokens;
    private long _completionTokens;
    private int _lastBatch;
    private double _tokensPerSecond;

    /// <summary>When the loop last went round (busy or idle).</summary>
    public DateTimeOffset LastHeartbeat => new(Interlocked.Read(ref _heartbeatTicks), TimeSpan.Zero);

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>Sequences in the last step.</summary>
    public int LastBatch => Volatile.Read(ref _lastBatch);

    /// <summary>Tokens per second over recent steps (exponentially smoothed); 0 once idle.</summary>
    public double TokensPerSecond =>
        time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastStepTicks) > IdleTicks ? 0 : Volatile.Read(ref _tokensPerSecond);

    public void Heartbeat() => Interlocked.Exchange(ref _heartbeatTicks, time.GetUtcNow().UtcTicks);

    /// <summary>A request's prompt entered the engine.</summary>
    public void Admitted(int promptTokens) => Interlocked.Add(ref _promptTokens, promptTokens);

    /// <summary>One token was generated for a request.</summary>
    public void Generated() => Interlocked.Increment(ref _completionTokens);

    /// <summary>A step of <paramref name="batch"/> sequences gave <paramref name="tokens"/> tokens in <paramref name="elapsed"/>.</summary>
    public void Stepped(int batch, int tokens, TimeSpan elapsed)
    {
        Volatile.Write(ref _lastBatch, batch);
        Volatile.Write(ref _tokensPerSecond, 0.8 * _tokensPerSecond + 0.2 * (tokens / Math.Max(1e-6, elapsed.TotalSeconds)));
        Interlocked.Exchange(ref _lastStepTicks, time.GetUtcNow().UtcTicks);
    }
}
