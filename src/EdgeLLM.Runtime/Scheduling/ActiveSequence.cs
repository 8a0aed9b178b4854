using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>A request decoding in a batch slot: its sampler, history, detokenizer and stop-string state.</summary>
internal sealed class ActiveSequence
{
    public ActiveSequence(PendingRequest pending, TokenSampler sampler, TokenizerStream stream, int maxLength)
    {
        Pending = pending;
        Sampler = sampler;
        Stream = stream;
        History = new int[maxLength];
        pending.PromptIds.CopyTo(History, 0);
        HistoryLength = pending.PromptIds.Length;
        sampler.Reset(pending.Sampling);
        Constraint = pending.Constraint?.CreateCursor();
        Stops.Reset(Constraint is null ? pending.Request.Stop : []);
    }

    /// <summary>Where the answer stands in its constraint; null for free text.</summary>
    public ConstraintCursor? Constraint { get; }

    public PendingRequest Pending { get; }

    public TokenSampler Sampler { get; }

    public TokenizerStream Stream { get; }

    public StopStringMatcher Stops { get; } = new();

    /// <summary>Prompt and generated ids (the repetition penalty's view of the sequence).</summary>
    public int[] History { get; }

    public int HistoryLength { get; set; }

    public List<int> Generated { get; } = [];

    public StringBuilder Text { get; } = new();

    public int NextToken { get; set; }

    public int CachedPromptTokens { get; set; }

    public DateTimeOffset? FirstTokenAt { get; set; }

    public double EnergyJ { get; set; }

    /// <summary>Tokens a draft proposed for this sequence (speculative decoding).</summary>
    public int DraftedTokens { get; set; }

    /// <summary>Drafted tokens the model accepted.</summary>
    public int AcceptedDraftTokens { get; set; }

    public ReadOnlySpan<int> HistorySpan => History.AsSpan(0, HistoryLength);
}
