using System.CommandLine;
using System.Text.Json.Nodes;
using EdgeLLM.Cli.Common;
using Spectre.Console;

namespace EdgeLLM.Cli.Models;

/// <summary><c>edgellm models list [--json] [--state-dir DIR]</c>: every model found, with version, place, quantization,
/// size on disk, and which version OTA made active (and kept as previous).</summary>
internal static class ModelsListCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json("Print a JSON array instead of a table");
        var stateDir = CommonOptions.StateDir();
        var command = new Command("list", "List the models found in the default model's folder and the state directory.") { json, stateDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var catalog = ModelCatalog.ForState(CliSettings.StateDirectory(parse.GetValue(stateDir)));
            var rows = catalog.Entries.Select(e => (Entry: e, Quantization: e.DescribeQuantization(), Bytes: DiskSize.Of(e.Directory))).ToList();
            if (parse.GetValue(json))
            {
                var items = new JsonArray([.. rows.Select(r => new JsonObject
                {
                    ["id"] = r.Entry.Id,
                    ["version"] = r.Entry.Version,
                    ["path"] = r.Entry.Directory,
                    ["source"] = r.Entry.Source,
                    ["ota"] = r.Entry.OtaRole,
                    ["quantization"] = r.Quantization,
                    ["size_bytes"] = r.Bytes,
                })]);
                await console.Output.WriteLineAsync(items.ToJsonString()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("id", "version", "ota", "path", "quantization", "size");
            foreach (var (entry, quantization, bytes) in rows)
            {
                table.AddRow(Markup.Escape(entry.Id), Markup.Escape(entry.Version), entry.OtaRole ?? (entry.Source == "builtin" ? "builtin" : ""),
                    Markup.Escape(entry.Directory), Markup.Escape(quantization), DiskSize.Format(bytes));
            }
            var ansi = CliConsole.For(console.Output);
            ansi.Write(table);
            if (rows.Count == 0)
            {
                await console.Error.WriteLineAsync($"no models found (looked in the default model's folder and {catalog.StateDirectory}/models)").ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
