using System.Text.Json.Nodes;
using System.CommandLine;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Models;
using Spectre.Console;

namespace EdgeLLM.Cli.Models;

/// <summary><c>edgellm models info ID|DIR [--json]</c>: a model's genai_config summary, KV-cache style, quantization and files.</summary>
internal static class ModelsInfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "A model id or directory (default: the default model)", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json("Print a JSON object instead of a table");
        var stateDir = CommonOptions.StateDir();
        var command = new Command("info", "Describe a model: architecture, context, KV cache, quantization, files.") { model, json, stateDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var asJson = parse.GetValue(json);
            ModelSummary s;
            try
            {
                var directory = CliModelLoader.ResolveDirectory(parse.GetValue(model), parse.GetValue(stateDir));
                try
                {
                    s = ModelSummary.Read(directory);
                }
                catch (Exception e) when (e is ModelLoadException or JsonException or IOException)
                {
                    throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", e.Message, e);
                }
            }
            catch (CliException e)
            {
                return await CliErrorWriter.WriteAsync(console, asJson, null, e).ConfigureAwait(false);
            }
            if (asJson)
            {
                await console.Output.WriteLineAsync(new JsonObject
                {
                    ["id"] = s.Id, ["version"] = s.Version, ["path"] = s.Directory, ["type"] = s.Type,
                    ["context_length"] = s.ContextLength, ["max_length"] = s.MaxLength, ["layers"] = s.Layers,
                    ["attention_heads"] = s.AttentionHeads, ["kv_heads"] = s.KvHeads, ["head_size"] = s.HeadSize,
                    ["hidden_size"] = s.HiddenSize, ["vocab_size"] = s.VocabSize, ["eos_token_ids"] = new JsonArray([.. s.EosTokenIds.Select(id => JsonValue.Create(id))]),
                    ["kv_style"] = s.KvStyle.Split(' ')[0], ["kv_dtype"] = s.KvDtype, ["quantization"] = s.Quantization,
                    ["chat_template"] = s.HasChatTemplate, ["size_bytes"] = s.TotalBytes,
                    ["files"] = new JsonObject(s.Files.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)f.Bytes))),
                }.ToJsonString()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            var grid = new Table().HideHeaders().AddColumns("field", "value");
            void Row(string name, object? value) => grid.AddRow(name, Markup.Escape(value?.ToString() ?? "-"));
            Row("id", s.Id);
            Row("version", s.Version);
            Row("path", s.Directory);
            Row("type", s.Type);
            Row("context length", $"{s.ContextLength} (search max_length {s.MaxLength})");
            Row("layers", s.Layers);
            Row("attention heads", s.AttentionHeads);
            Row("kv heads", s.KvHeads);
            Row("head size", s.HeadSize);
            Row("hidden size", s.HiddenSize);
            Row("vocab", s.VocabSize);
            Row("eos ids", string.Join(", ", s.EosTokenIds));
            Row("kv cache", s.KvDtype is null ? s.KvStyle : $"{s.KvStyle}, {s.KvDtype}");
            Row("quantization", s.Quantization);
            Row("chat template", s.HasChatTemplate ? "yes" : "no");
            foreach (var (name, bytes) in s.Files)
            {
                Row($"  {name}", DiskSize.Format(bytes));
            }
            Row("size on disk", DiskSize.Format(s.TotalBytes));
            CliConsole.For(console.Output).Write(grid);
            return ExitCodes.Ok;
        });
        return command;
    }
}
