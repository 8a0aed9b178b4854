using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// What runs a model's requests. Every transport (MQTT, REST, CLI) and the service's thermal, watchdog and metrics
/// parts talk to this, never to an implementation: EdgeLLM's own loop (<see cref="InferenceEngine"/>) or ONNX
/// Runtime GenAI's engine (<see cref="Executors.GenAi.GenAiExecutor"/>), chosen by the device profile
/// (<c>"executor"</c>) and <c>EdgeLLM:Engine:Executor</c>.
/// </summary>
public interface IInferenceExecutor : IAsyncDisposable
{
    /// <summary>Which executor this is.</summary>
    ExecutorKind Kind { get; }

    /// <summary>How requests share a batch; static batching makes a late request wait for the running batch.</summary>
    BatchingMode Batching { get; }

    /// <summary>The model served: identity, tokenizer, chat template, limits.</summary>
    LanguageModel Model { get; }

    bool IsAcceptingRequests { get; }

    /// <summary>While true, requests queue but none starts (thermal pause); active ones keep decoding.</summary>
    bool AdmissionPaused { get; set; }

    /// <summary>Sequences allowed to decode together, 1 to the batch capacity; thermal throttling lowers it.</summary>
    int BatchLimit { get; set; }

    /// <summary>When the executor's loop last went round; a stuck loop stops moving it (the watchdog reads it).</summary>
    DateTimeOffset LastHeartbeat { get; }

    EngineStats GetStats();

    /// <summary>Bytes of the KV cache resident now, measured page by page where the cache is a lazily committed mapping
    /// (Linux), else every reserved byte: a system call per buffer, so for reports (<c>/v1/models</c>, <c>doctor</c>,
    /// <c>bench</c>), never the decode loop.</summary>
    long KvResidentBytes();

    /// <summary>Queues a completion and returns its stream: text deltas as they are generated and the one final
    /// <see cref="GenerationStream.Result"/>. Cancelling ends the request with a <see cref="FinishReason.Cancelled"/>
    /// result at the next token boundary.</summary>
    /// <exception cref="GenerationException">The request cannot be accepted (bad request, context overflow, over budget,
    /// overloaded, stopping); nothing was queued.</exception>
    GenerationStream Stream(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs a completion to its end: <see cref="Stream"/>'s result, with a refusal as a faulted task.</summary>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stops taking requests, lets active ones finish within <paramref name="drain"/>, then cancels the rest.</summary>
    Task StopAsync(TimeSpan drain, CancellationToken cancellationToken = default);
}
