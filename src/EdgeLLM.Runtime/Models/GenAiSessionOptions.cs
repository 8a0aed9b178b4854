using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.Runtime.Models;

/// <summary>The decoder's <c>session_options</c>: threads, graph optimization, memory settings,
/// ONNX Runtime config entries and the execution providers the model asks for.</summary>
public sealed class GenAiSessionOptions
{
    public string? LogId { get; init; }

    public int? IntraOpThreads { get; init; }

    public int? InterOpThreads { get; init; }

    public bool? EnableCpuMemArena { get; init; }

    public bool? EnableMemPattern { get; init; }

    /// <summary>As GenAI spells it: <c>ORT_DISABLE_ALL</c>, <c>ORT_ENABLE_BASIC</c>, <c>ORT_ENABLE_EXTENDED</c>, <c>ORT_ENABLE_ALL</c>.</summary>
    public string? GraphOptimizationLevel { get; init; }

    /// <summary><see cref="GraphOptimizationLevel"/> as ONNX Runtime's enum; unset is <c>ORT_ENABLE_ALL</c>, as in GenAI.</summary>
    public Microsoft.ML.OnnxRuntime.GraphOptimizationLevel OrtGraphOptimizationLevel => GraphOptimizationLevel switch
    {
        "ORT_DISABLE_ALL" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "ORT_ENABLE_BASIC" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "ORT_ENABLE_EXTENDED" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    /// <summary>GenAI's <c>enable_profiling</c>: a file prefix for ONNX Runtime's per-node profile.</summary>
    public string? EnableProfiling { get; init; }

    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>Providers in the order listed, each with its options, as <c>[{"cuda": {...}}, ...]</c> gives them.</summary>
    public IReadOnlyList<ProviderOptions> Providers { get; init; } = [];

    private static readonly string[] OptimizationLevels = ["ORT_DISABLE_ALL", "ORT_ENABLE_BASIC", "ORT_ENABLE_EXTENDED", "ORT_ENABLE_ALL"];

    internal static GenAiSessionOptions Read(ConfigObject so)
    {
        var level = so.OptionalString("graph_optimization_level");
        if (level is not null && Array.IndexOf(OptimizationLevels, level) < 0)
        {
            throw so.Error($"{so.FieldPath("graph_optimization_level")} must be one of {string.Join(", ", OptimizationLevels)}, found \"{level}\"");
        }
        return new GenAiSessionOptions
        {
            LogId = so.OptionalString("log_id"),
            IntraOpThreads = so.OptionalInt("intra_op_num_threads"),
            InterOpThreads = so.OptionalInt("inter_op_num_threads"),
            EnableCpuMemArena = so.Has("enable_cpu_mem_arena") ? so.BoolOr("enable_cpu_mem_arena", true) : null,
            EnableMemPattern = so.Has("enable_mem_pattern") ? so.BoolOr("enable_mem_pattern", true) : null,
            GraphOptimizationLevel = level,
            EnableProfiling = so.OptionalString("enable_profiling"),
            ConfigEntries = ReadStringMap(so, "config_entries"),
            Providers = ReadProviders(so),
        };
    }

    private static Dictionary<string, string> ReadStringMap(ConfigObject so, string field)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!so.Has(field))
        {
            return map;
        }
        foreach (var p in so.Object(field).Properties())
        {
            map[p.Name] = ScalarText(p.Value) ?? throw so.Error($"{so.FieldPath(field)}.{p.Name} must be a string, number or boolean");
        }
        return map;
    }

    private static List<ProviderOptions> ReadProviders(ConfigObject so)
    {
        var list = new List<ProviderOptions>();
        if (so.OptionalElement("provider_options") is not { } array)
        {
            return list;
        }
        var path = so.FieldPath("provider_options");
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw so.Error($"{path} must be a list like [{{\"cuda\": {{...}}}}]");
        }
        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw so.Error($"{path}[{index}] must be an object naming one provider");
            }
            foreach (var provider in entry.EnumerateObject())
            {
                var options = new Dictionary<string, string>(StringComparer.Ordinal);
                if (provider.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var o in provider.Value.EnumerateObject())
                    {
                        options[o.Name] = ScalarText(o.Value) ?? throw so.Error($"{path}[{index}].{provider.Name}.{o.Name} must be a string, number or boolean");
                    }
                }
                else if (provider.Value.ValueKind != JsonValueKind.Null)
                {
                    throw so.Error($"{path}[{index}].{provider.Name} must be an object of options");
                }
                list.Add(new ProviderOptions(provider.Name, options));
            }
            index++;
        }
        return list;
    }

    private static string? ScalarText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => null,
    };
}
