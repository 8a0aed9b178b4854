using System.Text.Json;
using Json.Schema;

namespace EdgeLLM.Runtime.Tests.Constraints;

/// <summary>An independent check of constrained answers: JsonSchema.Net's validator, not EdgeLLM's automaton.</summary>
internal static class SchemaValidator
{
    public static bool IsValid(string schema, string answer, out string why)
    {
        JsonElement instance;
        try
        {
            using var doc = JsonDocument.Parse(answer);
            instance = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            why = $"not JSON: {e.Message}";
            return false;
        }
        var result = JsonSchema.FromText(schema).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        why = result.IsValid ? "" : string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        return result.IsValid;
    }
}
