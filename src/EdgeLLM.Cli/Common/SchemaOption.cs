using System.CommandLine;
using System.Text.Json;
using EdgeLLM.Runtime.Constraints;

namespace EdgeLLM.Cli.Common;

/// <summary><c>--schema FILE</c>: answers constrained to a JSON Schema (always complete and valid against it).</summary>
internal static class SchemaOption
{
    public static Option<string?> Create() => new("--schema")
    {
        Description = "A JSON Schema file the answer must satisfy (compact JSON, always complete; e.g. docs/examples/iot-assist-action.schema.json)",
    };

    /// <summary>The constraint in <paramref name="path"/>, or null when no file was given.</summary>
    public static OutputConstraint? Load(string? path)
    {
        if (path is null)
        {
            return null;
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
            using var _ = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException(ExitCodes.BadRequest, "bad_request", $"--schema {path}: {e.Message}", e);
        }
        return OutputConstraint.ForSchema(text, Path.GetFileNameWithoutExtension(path));
    }
}
