using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// A third backend, written against <see cref="IExecutionBackend"/> alone: each request's answer is a script of
/// token ids (by request id), given out one per step, then end-of-sequence. Prompts go in a chunk at a time when the
/// loop's policy asks. It records every call, so tests can see what the loop did and in which order, and it can be
/// told to fail at each stage or to hold each step until the test lets it run. With <see cref="ChoosesFromLogits"/> it
/// hands the loop logits (the scripted id highest) instead of ids, so the loop's sampler and constraint choose.
/// </summary>
internal sealed class ScriptedBackend(LanguageModel model, int capacity = 4) : IExecutionBackend
{
    /// <summary>A script entry where the backend ends the turn itself (its own length limit, context full).</summary>
    public const int EndsItself = -1;

    /// <summary>A script entry where the backend fails the request.</summary>
    public const int FailsItself = -2;

    private readonly Lock _gate = new();
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, int[]> _scripts = [];
    private readonly Dictionary<string, List<int>> _fed = [];
    private int[] _position = [];
    private bool _open;

    /// <summary>While set, each step waits for a permit (the test releases them), so a test can add work between steps.</summary>
    public SemaphoreSlim? StepGate { get; init; }

    /// <summary>Released as each step begins (before <see cref="StepGate"/>): a test awaits it to know the loop is in a step.</summary>
    public SemaphoreSlim Stepping { get; } = new(0);

    /// <summary>Thrown by <see cref="Open"/>, <see cref="Step"/> or <see cref="Admit"/> when set.</summary>
    public Exception? FailOpen { get; init; }

    public Exception? FailStep { get; set; }

    /// <summary>The error <see cref="Admit"/> refuses a request with (null: admitted).</summary>
    public Func<string, GenerationException?>? RefuseAdmit { get; init; }

    /// <summary>Prompt tokens each admitted slot finds in a (pretend) prefix cache.</summary>
    public int CachedPrefix { get; init; }

    /// <summary>A slot whose prompt completes takes its first scripted token from the prefill's logits, as a model
    /// backend does; otherwise its first token comes from the first step.</summary>
    public bool FirstTokenFromPrefill { get; init; }

    /// <summary>Hands logits to <see cref="IStepSink.Choose"/> instead of ids to <see cref="IStepSink.Accept"/>.</summary>
    public bool ChoosesFromLogits { get; init; }

    /// <summary>Positions per sequence, where smaller than the model's.</summary>
    public int? Positions { get; init; }

    public bool Disposed { get; private set; }

    /// <summary>The thread <see cref="Open"/> ran on (the loop's own).</summary>
    public Thread? OpenedOn { get; private set; }

    public int Capacity => capacity;

    public BatchingMode Batching => BatchingMode.Continuous;

    public int MaxLength => Positions ?? model.MaxSequenceLength;

    public int VocabSize => ChoosesFromLogits ? model.Tokenizer.VocabSize : 0;

    public bool ChunksPrefill => true;

    public long KvBytes => 0;

    public long RunTicks => 0;

    /// <summary>Every call so far, in order ("prefill r1 4", "step 2", "release r1", "move 2>0").</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The token each step of request <paramref name="id"/> was fed (<see cref="Slot.NextToken"/>), from its second step on.</summary>
    public IReadOnlyList<int> Fed(string id)
    {
        lock (_gate)
        {
            return _fed.TryGetValue(id, out var fed) ? [.. fed] : [];
        }
    }

    /// <summary>The answer of request <paramref name="id"/>: <paramref name="tokens"/> as given (no end-of-sequence added).</summary>
    public void Script(string id, params int[] tokens) => _scripts[id] = tokens;

    /// <summary>The answer of request <paramref name="id"/>: <paramref name="text"/>'s ids, then end-of-sequence.</summary>
    public void Script(string id, string text) =>
        _scripts[id] = [.. model.Tokenizer.Encode(text, addSpecialTokens: false), model.EosTokenIds.First()];

    public void Open()
    {
        if (FailOpen is { } e)
        {
            throw e;
        }
        _position = new int[capacity];
        _open = true;
        OpenedOn = Thread.CurrentThread;
    }

    public void Admit(Slot slot)
    {
        if (RefuseAdmit?.Invoke(slot.Pending.Request.Id) is { } e)
        {
            throw e;
        }
        Record($"admit {slot.Pending.Request.Id} {slot.Row}");
        _position[slot.Row] = 0;
        slot.PromptDone = slot.CachedPromptTokens = Math.Min(CachedPrefix, slot.Pending.PromptIds.Length - 1);
    }

    public void Prefill(ReadOnlySpan<Slot> slots, int budget, IStepSink sink)
    {
        foreach (var s in slots)
        {
            if (budget == 0)
            {
                return;
            }
            var take = Math.Min(budget, s.Pending.PromptIds.Length - s.PromptDone);
            s.PromptDone += take;
            budget -= take;
            Record($"prefill {s.Pending.Request.Id} {take}");
            var complete = s.PromptDone == s.Pending.PromptIds.Length;
            sink.Prefilled([s], complete);
            if (!complete)
            {
                return;
            }
            if (FirstTokenFromPrefill)
            {
                Give(s, sink);
            }
        }
    }

    public void Step(ReadOnlySpan<Slot> slots, IStepSink sink)
    {
        Stepping.Release();
        StepGate?.Wait();
        Record($"step {slots.Length}");
        if (FailStep is { } e)
        {
            throw e;
        }
        sink.Ran(slots);
        foreach (var s in slots)
        {
            if (s.Finished)
            {
                continue;
            }
            if (_position[s.Row] > 0)
            {
                lock (_gate)
                {
                    (_fed.TryGetValue(s.Pending.Request.Id, out var fed) ? fed : _fed[s.Pending.Request.Id] = []).Add(s.NextToken);
                }
            }
            Give(s, sink);
        }
    }

    /// <summary>The slot's next scripted token (the last one again once the script is done), as an id or as logits.</summary>
    private void Give(Slot s, IStepSink sink)
    {
        var script = _scripts[s.Pending.Request.Id];
        var token = script[Math.Min(_position[s.Row]++, script.Length - 1)];
        switch (token)
        {
            case EndsItself:
                sink.End(s, FinishReason.Length, contextExhausted: true);
                break;
            case FailsItself:
                sink.Fail(s, new GenerationException(GenerationErrorCode.Internal, $"backend failed {s.Pending.Request.Id}"));
                break;
            default:
                if (ChoosesFromLogits)
                {
                    var logits = new float[VocabSize];
                    logits[token] = 10;
                    token = sink.Choose(s, logits);
                }
                sink.Accept(s, token);
                break;
        }
    }

    public void Release(Slot slot) => Record($"release {slot.Pending.Request.Id}");

    public void Move(int from, int to)
    {
        _position[to] = _position[from];
        Record($"move {from}>{to}");
    }

    public EngineStats Describe(EngineStats stats) => stats;

    public void Dispose()
    {
        Disposed = true;
        _open = false;
    }

    public bool IsOpen => _open;

    private void Record(string call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }
}

/// <summary>An executor over <see cref="ScriptedBackend"/>: all it takes is the loop and a backend.</summary>
internal sealed class ScriptedExecutor(LanguageModel model, ScriptedBackend backend, EngineOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    : ExecutorLoop(ExecutorKind.EdgeLLM, model, options, logger, time, _ => backend)
{
    /// <summary>Started, or disposed and the cause thrown (as the real executors are made).</summary>
    public static ScriptedExecutor Started(LanguageModel model, ScriptedBackend backend, EngineOptions? options = null) =>
        StartOrDispose(new ScriptedExecutor(model, backend, options));
}
