using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>What a serving host (the service, <c>edgellm run</c>) turns on for a model: its named draft, when it names one.</summary>
public static class SpeculativeServing
{
    /// <summary>
    /// Speculative options for <paramref name="model"/> under <paramref name="executor"/>: the draft its
    /// <c>edgellm_model.json</c> names, opened with the model's load options and owned by the engine; null when the model
    /// names none or the executor is GenAI (whose speculative decoding this EdgeLLM build does not configure).
    /// </summary>
    /// <exception cref="ModelLoadException">The named draft is missing, fails to load, or does not share the model's tokenizer.</exception>
    public static SpeculativeOptions? For(LanguageModel model, ExecutorKind executor, ILoggerFactory? loggerFactory = null)
    {
        if (executor != ExecutorKind.EdgeLLM || DraftPairing.DraftDirectory(model.Directory) is not { } directory)
        {
            return null;
        }
        return new SpeculativeOptions { Draft = DraftPairing.LoadDraft(model, directory, loggerFactory), OwnsDraft = true };
    }
}
