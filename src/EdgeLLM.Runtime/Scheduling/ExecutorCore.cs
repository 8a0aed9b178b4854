using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The request side both executors share, whatever runs the model: the options they serve under, their clock and
/// logger, the queue of waiting requests, how requests end (<see cref="RequestOutcomes"/>), what the loop reports of
/// its work (<see cref="ExecutorActivity"/>) and the compiled constraints of the model's tokenizer.
/// </summary>
internal sealed class ExecutorCore
{
    public ExecutorCore(LanguageModel model, EngineOptions? options, ILogger? logger, TimeProvider? time)
    {
        Options = options ?? new EngineOptions();
        Logger = logger ?? NullLogger.Instance;
        Time = time ?? TimeProvider.System;
        Outcomes = new RequestOutcomes(model.Identity.Id, Logger, Time);
        Activity = new ExecutorActivity(Time);
        Requests = new RequestQueue(Options.MaxQueuedRequests);
        Constraints = new ConstraintCache(model.Tokenizer);
    }

    public EngineOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public RequestOutcomes Outcomes { get; }

    public ExecutorActivity Activity { get; }

    public RequestQueue Requests { get; }

    public ConstraintCache Constraints { get; }
}
