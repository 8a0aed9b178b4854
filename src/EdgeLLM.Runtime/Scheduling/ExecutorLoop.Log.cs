using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Scheduling;

public abstract partial class ExecutorLoop
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Executor {Executor} serving {Model}: {Slots} batch rows, {Batching} batching, {MaxLength} positions per sequence, {KvStyle} KV cache")]
    private static partial void LogStarted(ILogger logger, string executor, string model, int slots, BatchingMode batching, int maxLength, string kvStyle);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Critical, Message = "The {Executor} executor's loop failed; it stops serving")]
    private static partial void LogLoopFailed(ILogger logger, string executor, Exception exception);
}
