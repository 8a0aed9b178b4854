using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// Opens a model directory in ONNX Runtime GenAI under the same plan as EdgeLLM's own loop: providers through
/// GenAI's <c>Config</c> (<c>OgaConfigClearProviders</c> / <c>AppendProvider</c> / <c>SetProviderOption</c>), and the
/// KV-cache style, sequence length, threads and batch size as an overlay on <c>genai_config.json</c>, so that both
/// executors run the same model the same way.
/// </summary>
internal static class GenAiModelOpener
{
    /// <summary>Opens the model with <paramref name="providers"/> in GenAI's config (null: the profile's whole list;
    /// empty: GenAI's default, CPU).</summary>
    /// <exception cref="GenAiException">GenAI refused the configuration or the model; the message is GenAI's.</exception>
    public static OgaModelHandle Open(LanguageModel model, int maxBatchSize, IReadOnlyList<ProviderOptions>? providers = null)
    {
        providers ??= model.LoadOptions.Providers;
        using var config = CreateConfig(model.Directory);
        Check(OgaNative.OgaConfigOverlay(config, Overlay(model, maxBatchSize)), "OgaConfigOverlay");
        if (providers.Count > 0 || model.LoadOptions.Providers.Count > 0)
        {
            Check(OgaNative.OgaConfigClearProviders(config), "OgaConfigClearProviders");
            foreach (var provider in providers)
            {
                if (GenAiName(provider.Name) is not { } name)
                {
                    continue;
                }
                Check(OgaNative.OgaConfigAppendProvider(config, name), "OgaConfigAppendProvider");
                foreach (var (key, value) in provider.Options)
                {
                    Check(OgaNative.OgaConfigSetProviderOption(config, name, key, value), "OgaConfigSetProviderOption");
                }
            }
        }
        Check(OgaNative.OgaCreateModelFromConfig(config, out var handle), "OgaCreateModelFromConfig");
        return new OgaModelHandle(handle);
    }

    private static OgaConfigHandle CreateConfig(string directory)
    {
        Check(OgaNative.OgaCreateConfig(directory, out var handle), "OgaCreateConfig");
        return new OgaConfigHandle(handle);
    }

    /// <summary>The settings EdgeLLM's plan decides, written over the model's own configuration.</summary>
    internal static string Overlay(LanguageModel model, int maxBatchSize)
    {
        var sessionOptions = new JsonObject();
        if (model.LoadOptions.IntraOpThreads > 0)
        {
            sessionOptions["intra_op_num_threads"] = model.LoadOptions.IntraOpThreads;
        }
        var overlay = new JsonObject
        {
            ["model"] = new JsonObject { ["decoder"] = new JsonObject { ["session_options"] = sessionOptions } },
            ["search"] = new JsonObject
            {
                ["past_present_share_buffer"] = model.SharedKvBuffer,
                ["max_length"] = model.MaxSequenceLength,
            },
            ["engine"] = new JsonObject { ["static_batching"] = new JsonObject { ["max_batch_size"] = Math.Max(1, maxBatchSize) } },
        };
        return overlay.ToJsonString();
    }

    /// <summary>GenAI's provider names (<c>cuda</c>, <c>qnn</c>, <c>OpenVINO</c>, ...) for the spellings profiles use; null for CPU, GenAI's default.</summary>
    internal static string? GenAiName(string name) => ExecutionProviderSelector.Canonical(name) switch
    {
        "CPUExecutionProvider" => null,
        "CUDAExecutionProvider" => "cuda",
        "TensorrtExecutionProvider" => "NvTensorRtRtx",
        "QNNExecutionProvider" => "qnn",
        "OpenVINOExecutionProvider" => "OpenVINO",
        "DmlExecutionProvider" => "dml",
        "WebGpuExecutionProvider" => "webgpu",
        var other => other,
    };

    private static void Check(IntPtr result, string call) => OgaResult.Check(result, call);
}
