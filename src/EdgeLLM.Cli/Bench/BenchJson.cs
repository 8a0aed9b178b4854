using System.Text.Json.Serialization;
using EdgeLLM.Cli.Bench.Synthetic;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// How <c>bench --json</c> writes the report (and <c>doctor --json</c> a model's footprint) and how a synthetic model's spec is stamped: snake_case names, nulls
/// kept. Source-generated, so the Native AOT build serialises them without reflection.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(SpeculativeResult))]
[JsonSerializable(typeof(SyntheticModelSpec))]
[JsonSerializable(typeof(EdgeLLM.Serving.Loading.ModelFootprint))]
internal sealed partial class BenchJson : JsonSerializerContext;
