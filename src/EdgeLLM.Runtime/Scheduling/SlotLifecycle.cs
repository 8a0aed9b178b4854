using System.Runtime.CompilerServices;
using System.Text;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Accept, finish, cancel: what happens to a request at each token, for every backend. The backend reports its runs
/// and tokens through <see cref="IStepSink"/>; each decision (end of sequence against ignore_eos and the constraint,
/// stop strings, max tokens, the context, the energy cap, cancellation) and the one final result (usage, log, counters)
/// is taken here and nowhere else.
/// </summary>
internal sealed partial class SlotLifecycle(LanguageModel model, ExecutorCore core, IExecutionBackend backend, SlotTable slots) : IStepSink
{
    private readonly StringBuilder _emit = new();
    private readonly TokenChooser _chooser = new(model.EosTokenIds);
    private readonly StepMeter _meter = new(core.Options.EnergyMeter);

    private long _prefillChunks;

    public TokenChooser Chooser => _chooser;

    /// <summary>Prompt runs that left their prompt part-way (chunked prefill).</summary>
    public long PrefillChunks => Interlocked.Read(ref _prefillChunks);

    /// <summary>Tokens accepted since <see cref="Mark"/>.</summary>
    public int Emitted { get; private set; }

    /// <summary>Run time reported since <see cref="Mark"/>.</summary>
    public TimeSpan RunTime { get; private set; }

    /// <summary>Starts a step or a prefill: its cost is measured from now.</summary>
    public long Mark()
    {
        Emitted = 0;
        RunTime = TimeSpan.Zero;
        return _meter.Mark();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Ran(ReadOnlySpan<Slot> ran)
    {
        var share = _meter.Charge(ran.Length, out var elapsed);
        RunTime += elapsed;
        foreach (var s in ran)
        {
            if (s.Finished)
            {
                continue;
            }
            if (s.Pending.Cancelled)
            {
                Finish(s, FinishReason.Cancelled);
                continue;
            }
            s.EnergyJ += share;
            if (s.Pending.Request.EnergyBudgetJ is { } cap && s.EnergyJ >= cap)
            {
                Finish(s, FinishReason.Budget);
            }
        }
    }

    public void Prefilled(ReadOnlySpan<Slot> prefilled, bool complete)
    {
        var share = _meter.Charge(prefilled.Length, out _);
        if (!complete)
        {
            Interlocked.Increment(ref _prefillChunks);
        }
        foreach (var s in prefilled)
        {
            s.EnergyJ += share;
            if (complete && s.State == SlotState.Prefilling)
            {
                slots.StartDecoding(s);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Choose(Slot slot, Span<float> logits) => _chooser.Choose(slot, logits, backend.MaxLength);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accept(Slot s, int token)
    {
        if (s.Finished)
        {
            return;
        }
        Emitted++;
        // A constrained answer ends at end-of-sequence even under ignore_eos: its constraint allows end-of-sequence
        // only once the value is complete.
        if (model.EosTokenIds.Contains(token) && (!s.Pending.Request.IgnoreEos || s.Pending.Constraint is not null))
        {
            Finish(s, FinishReason.Stop);
            return;
        }
        s.Generated.Add(token);
        s.History[s.HistoryLength++] = token;
        s.FirstTokenAt ??= core.Time.GetUtcNow();
        core.Activity.Generated();
        _emit.Clear();
        var stopped = s.Stops.Append(s.Stream.Next(token), _emit);
        SequenceOutput.Emit(_emit, s.Text, s.Pending, token);
        if (stopped)
        {
            Finish(s, FinishReason.Stop, flush: false);
        }
        else if (s.Constraint is { } constraint && (!constraint.Advance(token) || constraint.IsClosed))
        {
            Finish(s, FinishReason.Stop);
        }
        else if (s.Generated.Count >= s.Pending.MaxTokens)
        {
            Finish(s, FinishReason.Length, contextExhausted: s.Pending.LimitedByContext);
        }
        else if (s.HistoryLength > backend.MaxLength)
        {
            // The token that fills the context was taken; no position is left to feed it.
            Finish(s, FinishReason.Length, contextExhausted: true);
        }
        else
        {
            s.NextToken = token;
        }
    }

    public void End(Slot slot, FinishReason reason, bool contextExhausted = false) => Finish(slot, reason, contextExhausted: contextExhausted);

    public void Fail(Slot slot, GenerationException error)
    {
        if (slot.Finished)
        {
            return;
        }
        slot.State = SlotState.Finished;
        core.Outcomes.Fail(slot.Pending, error);
    }

    /// <summary>Ends a slot's request with its one result: the text still held back, usage, the log line.</summary>
    public void Finish(Slot s, FinishReason reason, bool flush = true, bool contextExhausted = false)
    {
        if (s.Finished)
        {
            return;
        }
        s.State = SlotState.Finished;
        if (flush)
        {
            SequenceOutput.Flush(s.Stream, s.Stops, _emit);
            SequenceOutput.Emit(_emit, s.Text, s.Pending, -1);
        }
        var now = core.Time.GetUtcNow();
        var received = s.Pending.Request.ReceivedAt;
        var usage = new Usage(s.Pending.PromptIds.Length, s.Generated.Count, s.CachedPromptTokens,
            ((s.FirstTokenAt ?? now) - received).TotalMilliseconds, (now - received).TotalMilliseconds, s.EnergyJ)
        {
            DraftedTokens = s.DraftedTokens,
            AcceptedDraftTokens = s.AcceptedDraftTokens,
        };
        var result = new GenerationResult(s.Pending.Request.Id, model.Identity.Id, s.Text.ToString(), s.Generated.ToArray(), reason, usage)
        {
            ContextExhausted = contextExhausted,
        };
        // Counted before the result goes out: whoever sees the answer sees it in the stats.
        core.Outcomes.CountCompleted();
        s.Pending.Complete(result);
        LogFinished(core.Logger, result.Id, reason, usage.PromptTokens, usage.CompletionTokens, usage.TotalMs);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Request {Id} finished ({Reason}): {PromptTokens} prompt and {CompletionTokens} completion tokens in {TotalMs:F1} ms")]
    private static partial void LogFinished(ILogger logger, string id, FinishReason reason, int promptTokens, int completionTokens, double totalMs);
}
