using System.Globalization;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Common;

/// <summary>Streams one completion's text to a writer as it is generated and returns the final result.</summary>
internal static class CompletionPrinter
{
    /// <param name="engine">The engine to run on.</param>
    /// <param name="request">The request.</param>
    /// <param name="output">Where text deltas go (flushed each time); null to print nothing.</param>
    /// <param name="cancellationToken">Ends the completion at the next token boundary (finish reason cancelled).</param>
    /// <exception cref="CliException">The engine refused the request or failed.</exception>
    public static async Task<GenerationResult> StreamAsync(IInferenceExecutor engine, GenerationRequest request, TextWriter? output, CancellationToken cancellationToken)
    {
        try
        {
            var stream = engine.Stream(request, cancellationToken);
            await foreach (var delta in stream.ConfigureAwait(false))
            {
                if (output is not null && delta.Text.Length > 0)
                {
                    await output.WriteAsync(delta.Text).ConfigureAwait(false);
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            return await stream.Result.ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            throw GenerationErrors.ToCli(e);
        }
    }

    /// <summary>The diagnostics line printed on standard error after a streamed completion.</summary>
    public static string Summary(GenerationResult r, LanguageModel model, string provider)
    {
        var u = r.Usage;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{model.Identity.Id} {model.Identity.Version} on {provider}: {u.PromptTokens} prompt + {u.CompletionTokens} completion tokens, first token {u.TimeToFirstTokenMs:F1} ms, total {u.TotalMs:F1} ms, {u.TokensPerSecond:F1} tok/s, finish {ResultJson.FinishReasonName(r.FinishReason)}]");
    }
}
