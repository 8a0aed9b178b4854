using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Cli.Chat;

/// <summary>The read–generate loop of <c>edgellm chat</c>: keeps the history and sends it whole each turn.</summary>
internal sealed class ChatLoop(EngineSession session, TextReader input, TextWriter output, TextWriter error, string? system)
{
    private readonly List<PromptMessage> _history = [];

    public int? MaxTokens { get; init; }

    public float? Temperature { get; init; }

    /// <summary>What every reply must be (<c>--schema</c>); null for free text.</summary>
    public OutputConstraint? Constraint { get; init; }

    /// <summary>Print the templated prompt of each turn on standard error.</summary>
    public bool ShowPrompt { get; init; }

    /// <summary>A terminal is attached: show a "> " prompt and the commands.</summary>
    public bool Interactive { get; init; }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Reset();
        if (Interactive)
        {
            await error.WriteLineAsync($"{session.Model.Identity.Id} {session.Model.Identity.Version}: type a message; /reset clears the history, /exit quits.").ConfigureAwait(false);
        }
        var turn = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Interactive)
            {
                await error.WriteAsync("> ").ConfigureAwait(false);
            }
            string? line;
            try
            {
                line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (line is null)
            {
                break;
            }
            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line is "/exit" or "/quit")
            {
                break;
            }
            if (line == "/reset")
            {
                Reset();
                await error.WriteLineAsync("(history cleared)").ConfigureAwait(false);
                continue;
            }
            _history.Add(new PromptMessage("user", line));
            var request = new GenerationRequest
            {
                Id = $"chat-{++turn}",
                Messages = _history.ToArray(),
                MaxTokens = MaxTokens,
                Temperature = Temperature,
                Constraint = Constraint,
            };
            if (ShowPrompt)
            {
                await error.WriteLineAsync($"--- prompt (turn {turn}) ---\n{session.Model.RenderPrompt(request)}\n---").ConfigureAwait(false);
            }
            GenerationResult result;
            try
            {
                result = await CompletionPrinter.StreamAsync(session.Engine, request, output, cancellationToken).ConfigureAwait(false);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.BadRequest)
            {
                // Most often the history outgrew the context: say so and let the user /reset.
                _history.RemoveAt(_history.Count - 1);
                await error.WriteLineAsync($"error: {e.Message} (/reset clears the history)").ConfigureAwait(false);
                continue;
            }
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (result.FinishReason == FinishReason.Cancelled)
            {
                return ExitCodes.Cancelled;
            }
            _history.Add(new PromptMessage("assistant", result.Text));
        }
        return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Ok;
    }

    private void Reset()
    {
        _history.Clear();
        if (system is not null)
        {
            _history.Add(new PromptMessage("system", system));
        }
    }
}
