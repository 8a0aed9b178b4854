using System.CommandLine;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Chat;

/// <summary>
/// <c>edgellm chat [--model DIR|ID] [--system TEXT] [--schema FILE]</c>: a conversation on standard input, one user turn per line,
/// each reply streamed as it is generated. The history goes through the model's chat template every turn.
/// <c>/reset</c> forgets the history, <c>/exit</c> (or end of input) quits. Works the same with piped input.
/// </summary>
internal static class ChatCommand
{
    /// <param name="input">Where turns are read from; null for the process's standard input.</param>
    public static Command Create(TextReader? input)
    {
        var model = CommonOptions.Model();
        var system = new Option<string?>("--system", "-s") { Description = "A system message that starts (and survives /reset of) the conversation" };
        var maxTokens = new Option<int?>("--max-tokens", "-n") { Description = "Tokens per reply at most (default: up to the model's context)" };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "Sampling temperature; 0 is greedy (default: the model's settings)" };
        var showPrompt = new Option<bool>("--show-prompt") { Description = "Print each turn's templated prompt on standard error" };
        var threads = CommonOptions.Threads();
        var schema = SchemaOption.Create();
        var command = new Command("chat", "Chat with a model interactively (/reset clears the history, /exit quits).")
        {
            model, system, maxTokens, temperature, showPrompt, threads, schema,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            try
            {
                if (parse.GetValue(maxTokens) is <= 0 and var n)
                {
                    throw CliException.BadRequest($"--max-tokens must be 1 or more, not {n}");
                }
                await using var session = EngineSession.Open(parse.GetValue(model), new EngineOptions { MaxBatchSize = 1 }, parse.GetValue(threads));
                if (session.Model.ChatTemplate is null)
                {
                    throw new CliException(ExitCodes.BadRequest, "bad_request", $"model {session.Model.Identity.Id} has no chat template; use edgellm run with a raw prompt");
                }
                var loop = new ChatLoop(session, input ?? Console.In, console.Output, console.Error, parse.GetValue(system))
                {
                    MaxTokens = parse.GetValue(maxTokens),
                    Temperature = parse.GetValue(temperature),
                    ShowPrompt = parse.GetValue(showPrompt),
                    Constraint = SchemaOption.Load(parse.GetValue(schema)),
                    Interactive = input is null && !Console.IsInputRedirected,
                };
                return await loop.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CliException e)
            {
                return await CliErrorWriter.WriteAsync(console, json: false, null, e).ConfigureAwait(false);
            }
        });
        return command;
    }
}
