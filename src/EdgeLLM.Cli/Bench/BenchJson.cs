using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLLM.Cli.Bench;

/// <summary>How <c>bench --json</c> writes the report: snake_case names, nulls kept.</summary>
internal static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };
}
