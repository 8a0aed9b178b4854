using EdgeLLM.Runtime.Executors.Batch;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// EdgeLLM's own executor: <see cref="ExecutorLoop"/> over the model's batch on ONNX Runtime (continuous batching,
/// prefix cache, chunked prefill, speculative decoding when the options name a draft). The constructor only assigns;
/// <see cref="ExecutorLoop.Start"/> (or <see cref="Started"/>) opens the batch and serves.
/// </summary>
public sealed class InferenceEngine : ExecutorLoop
{
    /// <param name="model">The model, opened with a decoder session.</param>
    /// <param name="options">Batch, queue, prefix cache, prefill chunk, energy meter, admission, speculative decoding.</param>
    /// <param name="logger">Start, finish and failure logs.</param>
    /// <param name="time">The clock for deadlines, latencies and the heartbeat.</param>
    public InferenceEngine(LanguageModel model, EngineOptions? options = null, ILogger<InferenceEngine>? logger = null, TimeProvider? time = null)
        : base(ExecutorKind.EdgeLLM, model, options, logger, time, o => new DecodeBatchBackend(model, o))
    {
    }

    /// <summary>A started engine; one that cannot start is disposed and the cause thrown.</summary>
    public static InferenceEngine Started(LanguageModel model, EngineOptions? options = null, ILogger<InferenceEngine>? logger = null, TimeProvider? time = null) =>
        StartOrDispose(new InferenceEngine(model, options, logger, time));
}
