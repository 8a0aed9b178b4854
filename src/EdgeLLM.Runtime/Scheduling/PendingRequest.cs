using System.Threading.Channels;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>A request accepted by an executor: its prompt ids and options, the channel its deltas go to and its one result.</summary>
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

    private readonly Channel<GenerationDelta> _deltas = Channel.CreateUnbounded<GenerationDelta>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<GenerationResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The deltas written so far; completes when the request ends, however it ends.</summary>
    public ChannelReader<GenerationDelta> Deltas => _deltas.Reader;

    /// <summary>The request's one outcome.</summary>
    public Task<GenerationResult> Result => _result.Task;

    /// <summary>Hands text that became final to the consumer (the executor's loop thread only).</summary>
    public void Emit(string text, int tokenId) => _deltas.Writer.TryWrite(new GenerationDelta(text, tokenId));

    /// <summary>Ends the request with its result.</summary>
    public void Complete(GenerationResult result)
    {
        Registration.Dispose();
        _result.TrySetResult(result);
        _deltas.Writer.TryComplete();
    }

    /// <summary>Ends a request that never reached a slot with its one (empty) result, timed from its arrival to <paramref name="now"/>.</summary>
    public void CompleteUnstarted(string model, FinishReason reason, DateTimeOffset now)
    {
        var total = (now - Request.ReceivedAt).TotalMilliseconds;
        Complete(new GenerationResult(Request.Id, model, "", [], reason, new Usage(PromptIds.Length, 0, 0, total, total, 0)));
    }

    /// <summary>Ends the request with an error; the deltas end and <see cref="Result"/> throws it.</summary>
    public void Fail(GenerationException error)
    {
        Registration.Dispose();
        _result.TrySetException(error);
        _deltas.Writer.TryComplete();
    }

    /// <summary>Set from any thread when the caller cancels; the engine loop acts on it at the next token boundary.</summary>
    public volatile bool Cancelled;

    /// <summary>The caller's cancellation, removed when the request ends.</summary>
    public CancellationTokenRegistration Registration { get; set; }
}
