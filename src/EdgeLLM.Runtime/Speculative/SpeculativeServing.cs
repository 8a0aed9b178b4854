using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Runtime.Speculative;

/// <summary>What a serving host (the service) turns on for a model: its named draft, when it names one.</summary>
public static partial class SpeculativeServing
{
    /// <summary>
    /// Speculative options for <paramref name="model"/> under <paramref name="executor"/>: the draft its
    /// <c>edgellm_model.json</c> names, opened with the model's load options; the caller owns the draft
    /// (<see cref="SpeculativeOptions.Draft"/>) and disposes it after the executor. Null when the model
    /// names none, the named directory is not there (a model installed without its draft still serves, without
    /// drafting, and says so in the log), or the executor is GenAI (whose speculative decoding EdgeLLM does not configure).
    /// </summary>
    /// <exception cref="ModelLoadException">The draft fails to load or does not share the model's tokenizer.</exception>
    public static SpeculativeOptions? For(LanguageModel model, ExecutorKind executor, ILoggerFactory? loggerFactory = null)
    {
        if (executor != ExecutorKind.EdgeLLM)
        {
            return null;
        }
        string? directory;
        try
        {
            directory = DraftPairing.DraftDirectory(model.Directory);
        }
        catch (ModelLoadException e)
        {
            LogDraftMissing((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(typeof(SpeculativeServing).FullName!), model.Identity.Id, e.Message);
            return null;
        }
        return directory is null ? null : new SpeculativeOptions
            {
                Draft = DraftPairing.LoadDraft(model, directory, loggerFactory),
                MaxDraftTokens = SpeculativeOptions.DefaultMaxDraftTokens(model.WeightsBytes),
            };
    }

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Model {Model} is served without its draft: {Reason}")]
    private static partial void LogDraftMissing(ILogger logger, string model, string reason);
}
