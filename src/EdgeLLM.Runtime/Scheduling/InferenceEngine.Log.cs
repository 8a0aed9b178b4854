using EdgeLLM.Runtime.Generation;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

public sealed partial class InferenceEngine
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Engine serving {Model}: {Slots} batch slots, {MaxLength} positions per sequence, {KvStyle} KV cache")]
    private static partial void LogStarted(ILogger logger, string model, int slots, int maxLength, string kvStyle);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Request {Id} finished ({Reason}): {PromptTokens} prompt and {CompletionTokens} completion tokens in {TotalMs:F1} ms")]
    private static partial void LogFinished(ILogger logger, string id, FinishReason reason, int promptTokens, int completionTokens, double totalMs);


    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Speculative decoding for {Model}: drafts from {Draft}, up to {MaxDraftTokens} tokens per step")]
    private static partial void LogSpeculation(ILogger logger, string model, string draft, int maxDraftTokens);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Critical, Message = "The engine loop failed; the engine stops serving")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception);
}
