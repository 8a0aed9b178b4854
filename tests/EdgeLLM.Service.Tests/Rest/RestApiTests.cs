using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>Contract section 3 over a real socket with the default model, on EdgeLLM's own executor
/// (<see cref="GenAiRestApiTests"/> runs every test again on ONNX Runtime GenAI's).</summary>
public class RestApiTests : IAsyncLifetime
{
    private RunningService _service = null!;

    /// <summary>The <c>EdgeLLM:Engine:Executor</c> the service runs with.</summary>
    protected virtual string Executor => "edgellm";

    public async Task InitializeAsync() => _service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:Engine:Executor"] = Executor });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private HttpClient Http => _service.Http;

    [Fact]
    public async Task Health_and_readiness_answer_once_the_model_serves()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Models_lists_the_serving_model_with_version_quantization_and_memory()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/v1/models"));
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var model = Assert.Single(doc.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("iot-assist", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("2026.11.22", model.GetProperty("version").GetString());
        Assert.StartsWith("int4", model.GetProperty("quantization").GetString());
        var weights = Directory.EnumerateFiles(DefaultModelSmoke.Directory, "*.onnx*").Sum(f => new FileInfo(f).Length);
        Assert.True(model.GetProperty("memory_bytes").GetInt64() > weights);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v1/models/gpt-4o")).StatusCode);
    }

    [Fact]
    public async Task Models_break_the_memory_down_into_the_measured_parts_that_add_up_to_memory_bytes()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/v1/models"));
        var model = Assert.Single(doc.RootElement.GetProperty("data").EnumerateArray());
        var memory = model.GetProperty("memory");
        long Part(string name) => memory.GetProperty(name).GetInt64();

        Assert.Equal(model.GetProperty("memory_bytes").GetInt64(), Part("model_bytes"));
        Assert.Equal(Part("session_bytes") + Part("tokenizer_bytes") + Part("kv_reserved_bytes") + Part("activation_bytes"), Part("model_bytes"));
        Assert.Equal(Part("runtime_bytes") + Part("model_bytes"), Part("required_bytes"));
        Assert.Equal(Directory.EnumerateFiles(DefaultModelSmoke.Directory, "*.onnx*").Sum(f => new FileInfo(f).Length), Part("weights_file_bytes"));
        // Other tests run beside this one, so the measured parts are only checked for sign here (their bounds:
        // ModelFootprintMeasurementTests, which runs alone).
        Assert.True(Part("runtime_bytes") > 0 && Part("session_bytes") >= 0 && Part("activation_bytes") > 0);
        Assert.InRange(Part("kv_resident_bytes"), 0, Part("kv_reserved_bytes"));
        Assert.Equal(memory.GetProperty("batch_slots").GetInt32() * 512L * 2 * 4 * 2 * 64 * 4, Part("kv_reserved_bytes"));
        Assert.Equal(512, memory.GetProperty("sequence_length").GetInt32());
        Assert.Equal("/proc/self/status", memory.GetProperty("measured_by").GetString());
        // The single-model route answers the same entry.
        using var one = JsonDocument.Parse(await Http.GetStringAsync("/v1/models/iot-assist"));
        Assert.Equal(Part("session_bytes"), one.RootElement.GetProperty("memory").GetProperty("session_bytes").GetInt64());
    }

    [Fact]
    public async Task Chat_completion_answers_the_smoke_prompts_exactly()
    {
        foreach (var c in DefaultModelSmoke.Cases.Take(4))
        {
            using var response = await Http.PostAsync("/v1/chat/completions", Json(new
            {
                model = "iot-assist",
                messages = new[] { new { role = "user", content = c.UserMessage } },
                temperature = 0,
                max_tokens = 64,
            }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = doc.RootElement;
            Assert.Equal("chat.completion", root.GetProperty("object").GetString());
            Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString());
            var choice = root.GetProperty("choices")[0];
            Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
            Assert.Equal(c.Text, choice.GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
            var usage = root.GetProperty("usage");
            Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
            Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
            foreach (var field in new[] { "ttft_ms", "total_ms", "tokens_per_s", "energy_j" })
            {
                Assert.Equal(JsonValueKind.Number, usage.GetProperty(field).ValueKind);
            }
        }
    }

    /// <summary>
    /// With <c>stream_options.include_usage</c> (issue 27, as OpenAI does it): every content chunk has <c>"usage": null</c>,
    /// and the usage comes in a chunk of its own, with no choices, after the finish reason and before <c>[DONE]</c>.
    /// </summary>
    [Fact]
    public async Task Streaming_completion_sends_chunks_then_a_usage_chunk_when_asked_then_done()
    {
        var c = DefaultModelSmoke.Cases[0];
        var events = await StreamAsync("/v1/completions", new { prompt = c.Prompt, parse_special_tokens = true, stream = true, stream_options = new { include_usage = true }, temperature = 0, max_tokens = 64 });
        var text = new StringBuilder();
        string? finish = null;
        foreach (var chunk in events[..^1])
        {
            Assert.Equal(JsonValueKind.Null, chunk.GetProperty("usage").ValueKind);
            var choice = chunk.GetProperty("choices")[0];
            text.Append(choice.GetProperty("text").GetString());
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            {
                Assert.Null(finish);
                finish = choice.GetProperty("finish_reason").GetString();
            }
        }
        Assert.True(events.Count > 3);
        Assert.Equal(c.Text, text.ToString());
        Assert.Equal("stop", finish);
        var last = events[^1];
        Assert.Equal("text_completion", last.GetProperty("object").GetString());
        Assert.Equal(events[0].GetProperty("id").GetString(), last.GetProperty("id").GetString());
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.True(last.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.True(last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    /// <summary>Issue 27: usage rode on the last content chunk though no one asked; OpenAI sends none then.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/completions", false)]
    [InlineData("/v1/chat/completions", true)]
    public async Task A_stream_not_asking_for_usage_has_no_usage_in_any_chunk(string path, bool includeUsageFalse)
    {
        object body = path == "/v1/completions"
            ? new { prompt = "lock the front door", stream = true, max_tokens = 8 }
            : includeUsageFalse
                ? new { messages = new[] { new { role = "user", content = "lock the front door" } }, stream = true, stream_options = new { include_usage = false }, max_tokens = 8 }
                : new { messages = new[] { new { role = "user", content = "lock the front door" } }, stream = true, max_tokens = 8 };
        var events = await StreamAsync(path, body);
        Assert.True(events.Count >= 2);
        Assert.All(events, e => Assert.False(e.TryGetProperty("usage", out _), e.GetRawText()));
        Assert.All(events, e => Assert.Equal(1, e.GetProperty("choices").GetArrayLength()));
        Assert.Equal(JsonValueKind.String, events[^1].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
    }

    [Fact]
    public async Task A_streamed_chat_asking_for_usage_ends_with_a_chunk_of_usage_and_no_choices()
    {
        var events = await StreamAsync("/v1/chat/completions", new
        {
            messages = new[] { new { role = "user", content = "lock the front door" } }, stream = true, stream_options = new { include_usage = true }, max_tokens = 8,
        });
        Assert.All(events[..^1], e => Assert.Equal(JsonValueKind.Null, e.GetProperty("usage").ValueKind));
        Assert.Equal(JsonValueKind.String, events[^2].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        Assert.Equal("chat.completion.chunk", events[^1].GetProperty("object").GetString());
        Assert.Equal(0, events[^1].GetProperty("choices").GetArrayLength());
        Assert.InRange(events[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 8);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{\"include_usage\":true}}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false,\"stream_options\":{\"include_usage\":true}}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,\"stream_options\":true}")]
    public async Task Stream_options_without_a_stream_or_of_the_wrong_kind_is_a_400_naming_stream_options(string body)
    {
        using var response = await Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var error = await AssertErrorAsync(response, 400, "bad_request");
        Assert.Equal("stream_options", error.GetProperty("param").GetString());
    }

    /// <summary>The events of an SSE answer, parsed, without the closing <c>data: [DONE]</c> (asserted present).</summary>
    private async Task<List<JsonElement>> StreamAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        return events[..^1].Select(e =>
        {
            Assert.StartsWith("data: ", e);
            using var doc = JsonDocument.Parse(e["data: ".Length..]);
            return doc.RootElement.Clone();
        }).ToList();
    }

    [Fact]
    public async Task Streaming_chat_starts_with_the_assistant_role()
    {
        using var response = await Http.PostAsync("/v1/chat/completions", Json(new { messages = new[] { new { role = "user", content = "lock the front door" } }, stream = true, max_tokens = 8 }));
        var first = (await response.Content.ReadAsStringAsync()).Split("\n\n")[0];
        using var doc = JsonDocument.Parse(first["data: ".Length..]);
        Assert.Equal("chat.completion.chunk", doc.RootElement.GetProperty("object").GetString());
        Assert.Equal("assistant", doc.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{not json", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "[1,2]", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "{\"prompt\":\"x\"}", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}", 400, "bad_request")]
    [InlineData("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "model_not_found")]
    [InlineData("/v1/completions", "{\"prompt\":\"\"}", 400, "bad_request")]
    [InlineData("/v1/completions", "{\"messages\":[]}", 400, "bad_request")]
    [InlineData("/v1/embeddings", "{}", 404, "not_found")]
    public async Task Bad_requests_get_openai_errors(string path, string body, int status, string code)
    {
        using var response = await Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertErrorAsync(response, status, code);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_context_overflow()
    {
        var prompt = string.Concat(Enumerable.Repeat("turn on the lights in the kitchen ", 400));
        using var response = await Http.PostAsync("/v1/completions", Json(new { prompt }));
        await AssertErrorAsync(response, 400, "context_overflow");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        // The head announces the oversized body and the server answers without reading it (sending the 2 MiB through
        // HttpClient races that answer: the server closes while the client still writes).
        var reply = await RawHttpExchange.RunAsync(_service.Address,
            "POST /v1/completions HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n",
            TimeSpan.FromSeconds(30));
        Assert.Equal(413, reply.Status);
        using var doc = JsonDocument.Parse(reply.Body);
        Assert.Equal("payload_too_large", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Admin_ota_needs_a_key_even_on_loopback()
    {
        using var response = await Http.PostAsync("/v1/admin/ota", new StringContent("{}", Encoding.UTF8, "application/json"));
        await AssertErrorAsync(response, 401, "invalid_api_key");
    }

    [Fact]
    public async Task Metrics_count_requests_tokens_and_latency()
    {
        await Http.PostAsync("/v1/completions", Json(new { prompt = DefaultModelSmoke.Cases[1].Prompt, parse_special_tokens = true, max_tokens = 4 }));
        await Http.PostAsync("/v1/completions", new StringContent("nope", Encoding.UTF8, "application/json"));
        using var response = await Http.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("edgellm_requests_total{transport=\"http\",outcome=\"length\"} 1", text);
        Assert.Contains("edgellm_request_duration_seconds_count{transport=\"http\"} 1", text);
        Assert.Matches("edgellm_tokens_total\\{kind=\"completion\"\\} [1-9]", text);
        Assert.Contains($"edgellm_executor_info{{executor=\"{Executor}\",batching=\"{(Executor == "genai" ? "static" : "continuous")}\"}} 1", text);
        foreach (var gauge in new[] { "edgellm_queue_depth", "edgellm_batch_size", "edgellm_kv_cache_bytes", "edgellm_memory_rss_bytes", "edgellm_energy_joules_total", "edgellm_ready 1" })
        {
            Assert.Contains(gauge, text);
        }
    }

    internal static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>Asserts OpenAI's error object, <c>param</c> included (null or a string, never absent), and returns it.</summary>
    internal static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.True(error.GetProperty("param").ValueKind is JsonValueKind.Null or JsonValueKind.String, error.GetRawText());
        return error.Clone();
    }
}
