using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>Which executor serves a model, on which provider, and why: what <c>doctor</c> and the start-up log say.</summary>
/// <param name="Requested">The executor the profile (or <c>EdgeLLM:Engine:Executor</c>) asked for.</param>
/// <param name="Kind">The executor serving.</param>
/// <param name="Provider">The execution provider it runs on.</param>
/// <param name="ProviderAttempts">Each provider tried, in order, with why it was not taken.</param>
/// <param name="FallbackReason">Why <paramref name="Kind"/> serves instead of <paramref name="Requested"/>; null when it is the one asked for.</param>
public sealed record ExecutorChoice(ExecutorKind Requested, ExecutorKind Kind, string Provider, IReadOnlyList<ProviderAttempt> ProviderAttempts, string? FallbackReason)
{
    /// <summary>The choice <paramref name="executor"/> stands for.</summary>
    public static ExecutorChoice Of(IInferenceExecutor executor, ExecutorKind requested, string? fallbackReason = null) =>
        executor is GenAiExecutor genai
            ? new(requested, executor.Kind, genai.ExecutionProvider, genai.ProviderAttempts, fallbackReason)
            : new(requested, executor.Kind, executor.Model.ExecutionProvider, executor.Model.ProviderAttempts, fallbackReason);
}
