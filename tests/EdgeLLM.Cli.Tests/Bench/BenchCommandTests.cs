using System.Text.Json;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Bench;

public class BenchCommandTests
{
    [Fact]
    public async Task Json_report_has_positive_single_stream_numbers()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--gen-tokens", "8", "--json"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var s = doc.RootElement.GetProperty("single");
        Assert.Equal("iot-assist", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal(8, s.GetProperty("generated_tokens").GetInt32());
        Assert.InRange(s.GetProperty("prompt_tokens").GetInt32(), 56, 64);
        foreach (var name in new[] { "load_ms", "ttft_ms", "prefill_tokens_per_second", "decode_tokens_per_second", "total_ms" })
        {
            Assert.True(s.GetProperty(name).GetDouble() > 0, name);
        }
        Assert.InRange(s.GetProperty("peak_rss_bytes").GetInt64(), 10L << 20, 64L << 30);
        Assert.InRange(s.GetProperty("outside_ort_share").GetDouble(), 0, 1);
        Assert.InRange(s.GetProperty("step_overhead_share").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("peer").ValueKind);
        Assert.True(doc.RootElement.GetProperty("selects_logits_positions").GetBoolean());
    }

    [Fact]
    public async Task Json_memory_carries_the_footprint_measured_at_load_at_the_benchs_batch()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "0", "--gen-tokens", "8", "--prompt-tokens", "16", "--concurrency", "1,3", "--json"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var memory = doc.RootElement.GetProperty("memory");
        var f = memory.GetProperty("footprint");
        long Part(string name) => f.GetProperty(name).GetInt64();

        // The batch is the largest level; each of its sequences holds prompt + generated positions.
        Assert.Equal(3, f.GetProperty("batch_slots").GetInt32());
        Assert.Equal(24, f.GetProperty("sequence_length").GetInt32());
        Assert.Equal(memory.GetProperty("kv_cache_bytes").GetInt64(), Part("kv_reserved_bytes"));
        Assert.Equal(3 * 24L * 2 * 4 * 2 * 64 * 4, Part("kv_reserved_bytes"));
        Assert.Equal(memory.GetProperty("weight_bytes").GetInt64(), Part("weights_file_bytes"));
        Assert.Equal(Part("session_bytes") + Part("tokenizer_bytes") + Part("kv_reserved_bytes") + Part("activation_bytes"), Part("model_bytes"));
        Assert.Equal(Part("runtime_bytes") + Part("model_bytes"), Part("required_bytes"));
        Assert.True(Part("runtime_bytes") > 0);
        Assert.Equal(memory.GetProperty("runs_peak_bytes").GetInt64() - Part("runtime_bytes") - Part("session_bytes") - Part("tokenizer_bytes"),
            memory.GetProperty("run_peak_bytes").GetInt64());
        // The process's peak is loading's or the runs', whichever was higher; the runs' was measured apart (Linux).
        Assert.True(memory.GetProperty("peak_reset").GetBoolean());
        Assert.Equal(Math.Max(memory.GetProperty("load_peak_bytes").GetInt64(), memory.GetProperty("runs_peak_bytes").GetInt64()),
            memory.GetProperty("peak_rss_bytes").GetInt64());
        Assert.True(memory.GetProperty("runs_peak_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Concurrency_levels_each_report_throughput_and_latency()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "0", "--gen-tokens", "8", "--prompt-tokens", "16", "--concurrency", "1,2,4", "--json"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var levels = doc.RootElement.GetProperty("concurrency").EnumerateArray().ToList();
        Assert.Equal([1, 2, 4], levels.Select(l => l.GetProperty("streams").GetInt32()));
        foreach (var l in levels)
        {
            Assert.True(l.GetProperty("aggregate_tokens_per_second").GetDouble() > 0);
            Assert.True(l.GetProperty("per_stream_tokens_per_second").GetDouble() > 0);
            Assert.True(l.GetProperty("latency_p95_ms").GetDouble() >= l.GetProperty("latency_p50_ms").GetDouble());
        }
        Assert.True(doc.RootElement.GetProperty("scaling_ratio").GetDouble() > 0);
    }

    [Fact]
    public async Task Table_output_names_the_measures()
    {
        var (code, output, _) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "0", "--gen-tokens", "4", "--prompt-tokens", "8"]);
        Assert.Equal(0, code);
        Assert.Contains("decode tok/s", output);
        Assert.Contains("EdgeLLM 0.1.0", output);
        Assert.Contains("peak RSS", output);
        Assert.Contains("loading peaked at", output);
        // The footprint table: one row per part, the total the budget must hold and the runs' measured peak.
        foreach (var row in new[] { "runtime", "sessions", "tokenizer", "KV cache", "activations", "total", "runs at peak", "footprint at 1 slot of 12 positions, measured from /proc/self/status" })
        {
            Assert.Contains(row, output);
        }
    }

    [Theory]
    [InlineData("--concurrency", "1,x")]
    [InlineData("--gen-tokens", "1")]
    [InlineData("--prompt-tokens", "600")]
    [InlineData("--prefill-chunk", "-1")]
    [InlineData("--rounds", "0")]
    public async Task Bad_settings_exit_2(string option, string value)
    {
        var (code, _, error) = await InProcess.RunAsync(["bench", option, value]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public async Task A_missing_peer_is_reported_and_edgellms_numbers_still_print()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "0", "--gen-tokens", "4", "--json", "--compare-peer", "--peer-node-modules", "/nonexistent"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains("@huggingface/transformers not found in /nonexistent", doc.RootElement.GetProperty("peer").GetProperty("error").GetString());
        Assert.True(doc.RootElement.GetProperty("single").GetProperty("decode_tokens_per_second").GetDouble() > 0);
        Assert.Contains("transformers.js did not run", error);
    }

    [Fact]
    public async Task Compare_peer_runs_onnxruntime_genai_on_the_same_prompt_ids_and_arrivals_report_first_token_latency_for_both_executors()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "0", "--gen-tokens", "6", "--prompt-tokens", "12",
            "--concurrency", "1,2", "--arrivals", "3", "--json", "--compare-peer", "--rounds", "2", "--peer-node-modules", "/nonexistent"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        var genai = root.GetProperty("gen_ai");
        Assert.True(genai.GetProperty("error").ValueKind == JsonValueKind.Null, genai.GetProperty("error").ToString());
        var single = genai.GetProperty("single");
        Assert.StartsWith("ONNX Runtime GenAI 0.18.0", single.GetProperty("runtime").GetString());
        Assert.Equal(root.GetProperty("single").GetProperty("prompt_tokens").GetInt32(), single.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(6, single.GetProperty("generated_tokens").GetInt32());
        Assert.True(root.GetProperty("gen_ai_decode_ratio").GetDouble() > 0);
        Assert.Equal([1, 2], genai.GetProperty("concurrency").EnumerateArray().Select(l => l.GetProperty("streams").GetInt32()));
        // Greedy on the same prompt ids: the executors agree at least up to the first end-of-sequence.
        Assert.True(genai.GetProperty("matching_tokens").GetInt32() >= 1);
        foreach (var arrivals in new[] { root.GetProperty("arrivals"), genai.GetProperty("arrivals") })
        {
            Assert.Equal(3, arrivals.GetProperty("requests").GetInt32());
            Assert.True(arrivals.GetProperty("ttft_p95_ms").GetDouble() >= arrivals.GetProperty("ttft_p50_ms").GetDouble());
            Assert.True(arrivals.GetProperty("ttft_p50_ms").GetDouble() > 0);
        }
        // Interleaved: round 1 ran EdgeLLM, then GenAI, round 2 the other way round; transformers.js failed once and sat out round 2.
        var interleaved = root.GetProperty("interleaved");
        var rounds = interleaved.GetProperty("rounds").EnumerateArray().ToList();
        Assert.Equal([1, 2], rounds.Select(r => r.GetProperty("round").GetInt32()));
        Assert.Equal(["EdgeLLM 0.1.0", "ONNX Runtime GenAI 0.18.0"], rounds[0].GetProperty("runtimes").EnumerateArray().Select(f => f.GetProperty("runtime").GetString()));
        Assert.Equal(["ONNX Runtime GenAI 0.18.0", "EdgeLLM 0.1.0"], rounds[1].GetProperty("runtimes").EnumerateArray().Select(f => f.GetProperty("runtime").GetString()));
        foreach (var round in rounds)
        {
            Assert.True(round.GetProperty("load_at_start").GetDouble() >= 0);
            Assert.All(round.GetProperty("runtimes").EnumerateArray(),
                r => Assert.Equal([1, 2], r.GetProperty("concurrency").EnumerateArray().Select(l => l.GetProperty("streams").GetInt32())));
        }
        var spreads = interleaved.GetProperty("runtimes").EnumerateArray().ToList();
        Assert.Equal(2, spreads[1].GetProperty("rounds").GetInt32());
        var decode = spreads[1].GetProperty("decode");
        Assert.InRange(decode.GetProperty("median").GetDouble(), decode.GetProperty("min").GetDouble(), decode.GetProperty("max").GetDouble());
        Assert.Equal(spreads[0].GetProperty("decode").GetProperty("median").GetDouble() / decode.GetProperty("median").GetDouble(),
            spreads[1].GetProperty("decode_ratio").GetDouble(), 9);
        Assert.Equal(root.GetProperty("single").GetProperty("decode_tokens_per_second").GetDouble(), spreads[0].GetProperty("decode").GetProperty("median").GetDouble());
        Assert.Equal(1, error.Split("transformers.js did not run").Length - 1);
    }

    [PeerFact]
    public async Task Compare_peer_runs_transformersjs_on_the_same_model_and_prompt()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--runs", "1", "--warmup", "1", "--gen-tokens", "16", "--json", "--compare-peer"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var peer = doc.RootElement.GetProperty("peer");
        Assert.True(peer.GetProperty("error").ValueKind == JsonValueKind.Null, peer.GetProperty("error").ToString());
        var p = peer.GetProperty("peer");
        Assert.StartsWith("transformers.js 4.3.1", p.GetProperty("runtime").GetString());
        Assert.Equal(doc.RootElement.GetProperty("single").GetProperty("prompt_tokens").GetInt32(), p.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(16, p.GetProperty("generated_tokens").GetInt32());
        Assert.True(p.GetProperty("decode_tokens_per_second").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("peer_decode_ratio").GetDouble() > 0);
        // Same ONNX Runtime, same files, greedy: they agree at least up to the first end-of-sequence.
        Assert.True(peer.GetProperty("matching_tokens").GetInt32() >= 1);
    }
}
