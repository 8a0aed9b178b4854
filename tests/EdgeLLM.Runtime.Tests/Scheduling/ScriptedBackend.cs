using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// A third backend, written against <see cref="IExecutionBackend"/> alone: each request's answer is a script of
/// token ids (by request id), given out one per step, then end-of-sequence. Prompts go in a chunk at a time when the
/// loop's policy asks. It records every call, so tests can see what the loop did and in which order, and it can be
/// told to fail at each stage or to hold each step until the test lets it run.
/// </summary>
internal sealed class ScriptedBackend(LanguageModel model, int capacity = 4) : IExecutionBackend
{
    private readonly Lock _gate = new();
    private readonly List<string> _calls = [];
    private readonly Dictionary<string, int[]> _scripts = [];
    private int[] _position = [];
    private bool _open;

    /// <summary>While set, each step waits for a permit (the test releases them), so a test can add work between steps.</summary>
    public SemaphoreSlim? StepGate { get; init; }

    /// <summary>Thrown by <see cref="Open"/>, <see cref="Step"/> or <see cref="Admit"/> when set.</summary>
    public Exception? FailOpen { get; init; }

    public Exception? FailStep { get; set; }

    public GenerationException? RefuseAdmit { get; init; }

    public bool Disposed { get; private set; }

    public int Capacity => capacity;

    public BatchingMode Batching => BatchingMode.Continuous;

    public int MaxLength => model.MaxSequenceLength;

    public int VocabSize => 0;

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
    }

    public void Admit(Slot slot)
    {
        if (RefuseAdmit is { } e)
        {
            throw e;
        }
        Record($"admit {slot.Pending.Request.Id} {slot.Row}");
        _position[slot.Row] = 0;
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
        }
    }

    public void Step(ReadOnlySpan<Slot> slots, IStepSink sink)
    {
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
            var script = _scripts[s.Pending.Request.Id];
            sink.Accept(s, script[Math.Min(_position[s.Row]++, script.Length - 1)]);
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
internal sealed class ScriptedExecutor(LanguageModel model, ScriptedBackend backend, EngineOptions? options = null, TimeProvider? time = null)
    : ExecutorLoop(ExecutorKind.EdgeLLM, model, options, null, time, _ => backend);
