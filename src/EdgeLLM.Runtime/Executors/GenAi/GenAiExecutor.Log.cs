using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Executors.GenAi;

public sealed partial class GenAiExecutor
{
    [LoggerMessage(EventId = 1220, Level = LogLevel.Information, Message = "ONNX Runtime GenAI engine serving {Model}: {Slots} batch rows, {Batching} batching, {MaxLength} positions per sequence, {KvStyle} KV cache")]
    private static partial void LogStarted(ILogger logger, string model, int slots, BatchingMode batching, int maxLength, string kvStyle);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Debug, Message = "Request {Id} finished ({Reason}): {PromptTokens} prompt and {CompletionTokens} completion tokens in {TotalMs:F1} ms")]
    private static partial void LogFinished(ILogger logger, string id, FinishReason reason, int promptTokens, int completionTokens, double totalMs);


    [LoggerMessage(EventId = 1223, Level = LogLevel.Critical, Message = "The GenAI engine loop failed; the executor stops serving")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception);
}
