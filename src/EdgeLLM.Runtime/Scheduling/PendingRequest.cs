using System.Threading.Channels;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>A request accepted by the engine: its prompt ids, options and the channel its updates go to.</summary>
internal sealed class PendingRequest
{
    public PendingRequest(GenerationRequest request, int[] promptIds, SamplingOptions sampling, int maxTokens, long sequenceNumber)
    {
        Request = request;
        PromptIds = promptIds;
        Sampling = sampling;
        MaxTokens = maxTokens;
        SequenceNumber = sequenceNumber;
    }

    public GenerationRequest Request { get; }

    public int[] PromptIds { get; }

    public SamplingOptions Sampling { get; }

    public int MaxTokens { get; }

    /// <summary>True when the request wanted more tokens than the context leaves: reaching <see cref="MaxTokens"/> then means the context is full.</summary>
    public bool LimitedByContext { get; init; }

    public long SequenceNumber { get; }

    /// <summary>The request's constraint, compiled for the model's tokenizer; null for free text.</summary>
    public TokenConstraint? Constraint { get; set; }

    public Channel<GenerationUpdate> Output { get; } = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>Set from any thread when the caller cancels; the engine loop acts on it at the next token boundary.</summary>
    public volatile bool Cancelled;

    public CancellationTokenRegistration Registration { get; set; }
}
