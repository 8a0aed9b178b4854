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

    /// <summary>Streams a completion. Requests that cannot be accepted throw <see cref="GenerationException"/> on the
    /// first move; the last update carries the <see cref="GenerationResult"/>. Cancelling ends the stream with a
    /// <see cref="FinishReason.Cancelled"/> result at the next token boundary.</summary>
    IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs a completion to its end.</summary>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stops taking requests, lets active ones finish within <paramref name="drain"/>, then cancels the rest.</summary>
    Task StopAsync(TimeSpan drain, CancellationToken cancellationToken = default);
}
