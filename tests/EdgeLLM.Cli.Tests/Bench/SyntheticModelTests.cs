using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Bench;

/// <summary>
/// The bench-model recipe end to end at a toy shape (tiny-qwen): made by <c>bench --synthetic</c>, benched, and decoded
/// greedily by EdgeLLM with both KV styles. The real-size models are the same recipe with other numbers.
/// </summary>
public sealed class SyntheticModelTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"edgellm-bench-models-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private async Task<JsonElement> BenchAsync()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--synthetic", "tiny-qwen", "--bench-model-cache", _cache,
            "--runs", "1", "--warmup", "0", "--gen-tokens", "8", "--prompt-tokens", "16", "--json"]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task Synthetic_bench_makes_the_model_once_and_reports_random_weights_memory_and_roofline()
    {
        var first = await BenchAsync();
        Assert.True(first.GetProperty("random_weights").GetBoolean());
        Assert.Equal("tiny-qwen", first.GetProperty("model").GetString());
        var memory = first.GetProperty("memory");
        Assert.True(memory.GetProperty("weight_bytes").GetInt64() > 400_000);
        // 2 layers x K and V x 2 KV heads x 32 floats x (16 + 8) positions, one slot.
        Assert.Equal(2L * 2 * 2 * 32 * 4 * 24, memory.GetProperty("kv_cache_bytes").GetInt64());
        var roofline = first.GetProperty("roofline");
        Assert.True(roofline.GetProperty("triad_bytes_per_second").GetDouble() > 1e8);
        Assert.True(roofline.GetProperty("share").GetDouble() > 0);

        var data = Path.Combine(_cache, "tiny-qwen", "model.onnx_data");
        var written = File.GetLastWriteTimeUtc(data);
        await BenchAsync();
        Assert.Equal(written, File.GetLastWriteTimeUtc(data));
    }

    [Fact]
    public async Task Tokenizer_has_exactly_the_vocabulary_size_and_config_matches_the_shape()
    {
        await BenchAsync();
        var dir = Path.Combine(_cache, "tiny-qwen");
        var tokenizer = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "tokenizer.json")))!;
        Assert.Equal(4000, tokenizer["model"]!["vocab"]!.AsObject().Count);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "genai_config.json")))!["model"]!;
        Assert.Equal(4000, (int)config["vocab_size"]!);
        Assert.Equal(128, (int)config["decoder"]!["hidden_size"]!);
        Assert.Equal(2, (int)config["decoder"]!["num_key_value_heads"]!);
    }

    [Fact]
    public async Task Greedy_decode_is_the_same_with_shared_and_growing_kv_cache()
    {
        await BenchAsync();
        var shared = Path.Combine(_cache, "tiny-qwen");
        var growing = Path.Combine(_cache, "tiny-qwen-growing");
        Directory.CreateDirectory(growing);
        foreach (var file in Directory.EnumerateFiles(shared))
        {
            File.Copy(file, Path.Combine(growing, Path.GetFileName(file)));
        }
        var configPath = Path.Combine(growing, "genai_config.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!;
        config["search"]!["past_present_share_buffer"] = false;
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        var texts = new List<string>();
        foreach (var dir in new[] { shared, growing })
        {
            var (code, output, error) = await InProcess.RunAsync(["run", "-m", dir, "-n", "12", "-t", "0", "--json", "turn on the kitchen lights at 7pm"]);
            Assert.True(code == 0, error);
            var r = JsonDocument.Parse(output).RootElement;
            Assert.Equal(12, r.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            texts.Add(r.GetProperty("text").GetString()!);
        }
        Assert.NotEmpty(texts[0]);
        Assert.Equal(texts[0], texts[1]);
    }

    [LlamaCppFact]
    public async Task Llama_cpp_peer_runs_the_gguf_twin_with_the_same_prompt_and_length()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--synthetic", "tiny-qwen", "--bench-model-cache", _cache, "--threads", "1",
            "--runs", "1", "--warmup", "0", "--gen-tokens", "8", "--prompt-tokens", "16", "--json", "--compare-peer"]);
        Assert.True(code == 0, error);
        var root = JsonDocument.Parse(output).RootElement;
        var llama = root.GetProperty("llama_cpp");
        Assert.True(llama.GetProperty("error").ValueKind == JsonValueKind.Null, llama.GetProperty("error").ToString());
        var p = llama.GetProperty("peer");
        Assert.StartsWith("llama.cpp (node-llama-cpp 3.21.1", p.GetProperty("runtime").GetString());
        Assert.Equal(root.GetProperty("single").GetProperty("prompt_tokens").GetInt32(), p.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, p.GetProperty("generated_tokens").GetInt32());
        Assert.True(p.GetProperty("decode_tokens_per_second").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(_cache, "tiny-qwen", "model-q4_0.gguf")));
    }
}
