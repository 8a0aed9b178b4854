using System.CommandLine;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Run;

/// <summary>
/// <c>edgellm run [--model DIR|ID] [--max-tokens N] [--temperature T] [--chat] [--json] [--schema FILE] "prompt"</c> (contract section 1):
/// one completion, streamed to standard output as it is generated, or with <c>--json</c> one final message in the
/// contract's shape. Exit codes: 0 ok, 2 bad request, 3 model unavailable, 1 other, 130 interrupted.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string?>("prompt") { Description = "The prompt; '-' reads it from standard input", Arity = ArgumentArity.ZeroOrOne };
        var model = CommonOptions.Model();
        var maxTokens = new Option<int?>("--max-tokens", "-n") { Description = "Tokens to generate at most (default: up to the model's context)" };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "Sampling temperature; 0 is greedy (default: the model's genai_config search settings)" };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus sampling threshold" };
        var topK = new Option<int?>("--top-k") { Description = "Sample from the k most likely tokens" };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed, for repeatable sampling" };
        var stop = new Option<string[]>("--stop") { Description = "Stop when the text contains this string (repeatable)", AllowMultipleArgumentsPerToken = false };
        var chat = new Option<bool>("--chat") { Description = "Apply the model's chat template, with the prompt as one user message" };
        var system = new Option<string?>("--system") { Description = "With --chat: a system message before the prompt" };
        var json = CommonOptions.Json("Print one JSON object (the contract's final message) instead of streaming text");
        var threads = CommonOptions.Threads();
        var schema = SchemaOption.Create();
        var command = new Command("run", "Generate one completion for a prompt.")
        {
            prompt, model, maxTokens, temperature, topP, topK, seed, stop, chat, system, json, threads, schema,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var asJson = parse.GetValue(json);
            var id = $"cli-{Guid.NewGuid():N}"[..16];
            try
            {
                var text = parse.GetValue(prompt);
                if (text == "-")
                {
                    text = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                }
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw CliException.BadRequest("the prompt is empty: give it as the last argument, e.g. edgellm run \"turn on the lights\"");
                }
                if (parse.GetValue(maxTokens) is <= 0 and var n)
                {
                    throw CliException.BadRequest($"--max-tokens must be 1 or more, not {n}");
                }
                var request = new GenerationRequest
                {
                    Id = id,
                    Prompt = parse.GetValue(chat) ? null : text,
                    Messages = parse.GetValue(chat) ? Conversation(parse.GetValue(system), text) : null,
                    MaxTokens = parse.GetValue(maxTokens),
                    Temperature = parse.GetValue(temperature),
                    TopP = parse.GetValue(topP),
                    TopK = parse.GetValue(topK),
                    Seed = parse.GetValue(seed),
                    Stop = parse.GetValue(stop) ?? [],
                    Constraint = SchemaOption.Load(parse.GetValue(schema)),
                };
                await using var session = EngineSession.Open(parse.GetValue(model), new EngineOptions { MaxBatchSize = 1, PrefixCacheBytes = 0 }, parse.GetValue(threads));
                var result = await CompletionPrinter.StreamAsync(session.Engine, request, asJson ? null : console.Output, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await console.Output.WriteLineAsync(ResultJson.Final(result)).ConfigureAwait(false);
                }
                else
                {
                    await console.Output.WriteLineAsync().ConfigureAwait(false);
                    await console.Error.WriteLineAsync(CompletionPrinter.Summary(result, session.Model, session.Choice.Provider)).ConfigureAwait(false);
                }
                return result.FinishReason == FinishReason.Cancelled && cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Ok;
            }
            catch (CliException e)
            {
                return await CliErrorWriter.WriteAsync(console, asJson, id, e).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static PromptMessage[] Conversation(string? system, string user) =>
        system is null ? [new PromptMessage("user", user)] : [new PromptMessage("system", system), new PromptMessage("user", user)];
}
