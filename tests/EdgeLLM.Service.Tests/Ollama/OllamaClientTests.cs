using System.Net.Http.Json;
using System.Text.Json;
using EdgeLLM.Runtime.Tests.Constraints;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>
/// The official <c>ollama</c> npm client (pinned in OllamaClient/package-lock.json, installed by
/// tests/setup-test-assets.sh) against the real service with the default model: every call Home Assistant makes, and
/// its conversation pattern end to end, each answer checked against the fields the Python client's types require.
/// </summary>
public sealed class OllamaClientTests : IAsyncLifetime
{
    private static readonly string OllamaClientDir = NodeScript.ClientDir("OllamaClient");
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private string Host => _service.Address.ToString().TrimEnd('/');

    [Fact]
    public async Task Every_client_call_succeeds_with_the_shapes_the_python_types_require_and_refusals_are_readable_4xx()
    {
        using var doc = await NodeScript.RunAsync(OllamaClientDir, ["ollama"], "client-calls.mjs", Host);
        var root = doc.RootElement;

        var listed = Assert.Single(OllamaShapes.Models(root.GetProperty("list")).EnumerateArray());
        Assert.Equal("iot-assist:latest", listed.GetProperty("model").GetString());
        Assert.Equal("llama", listed.GetProperty("details").GetProperty("family").GetString());
        Assert.Equal(_service.Host.Current!.Model.WeightsBytes, listed.GetProperty("size").GetInt64());
        var running = Assert.Single(OllamaShapes.Models(root.GetProperty("ps")).EnumerateArray());
        Assert.Equal(_service.Host.Current.MemoryBytes, running.GetProperty("size").GetInt64());
        Assert.Equal(0, running.GetProperty("size_vram").GetInt64());
        Assert.Equal(512, running.GetProperty("context_length").GetInt32());

        foreach (var show in new[] { root.GetProperty("show"), root.GetProperty("showLatest") })
        {
            var info = show.GetProperty("model_info");
            Assert.Equal("llama", info.GetProperty("general.architecture").GetString());
            Assert.Equal(512, info.GetProperty("llama.context_length").GetInt32());
            Assert.Equal("2026.11.22", info.GetProperty("edgellm.version").GetString());
            Assert.Equal(["completion", "tools"], show.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
            Assert.Contains("<|im_start|>", show.GetProperty("template").GetString());
            Assert.Equal("INT4", show.GetProperty("details").GetProperty("quantization_level").GetString());
        }
        Assert.Matches(@"^\d+\.\d+\.\d+", root.GetProperty("version").GetProperty("version").GetString());
        Assert.Equal("success", root.GetProperty("pull").GetProperty("status").GetString());
        Assert.Equal("success", Assert.Single(root.GetProperty("pullStreamed").EnumerateArray()).GetProperty("status").GetString());

        // Greedy answers: one object, the stream's pieces and the OpenAI endpoint's answer to the same request agree.
        var chat = root.GetProperty("chat");
        OllamaShapes.ChatLine(chat);
        OllamaShapes.Final(chat);
        var chatText = chat.GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(await OpenAiAnswerAsync("turn on the kitchen light"), chatText);
        OllamaShapes.Stream(root.GetProperty("chatStreamed"), OllamaShapes.ChatLine);
        Assert.Equal(chatText, string.Concat(root.GetProperty("chatStreamed").EnumerateArray().Select(l => l.GetProperty("message").GetProperty("content").GetString())));
        Assert.Equal("iot-assist:latest", root.GetProperty("chatStreamed")[0].GetProperty("model").GetString());

        var generate = root.GetProperty("generate");
        OllamaShapes.GenerateLine(generate);
        OllamaShapes.Final(generate);
        var generated = generate.GetProperty("response").GetString()!;
        Assert.Equal(await OpenAiAnswerAsync("temp=31C humidity=40%"), generated);
        OllamaShapes.Stream(root.GetProperty("generateStreamed"), OllamaShapes.GenerateLine);
        Assert.Equal(generated, string.Concat(root.GetProperty("generateStreamed").EnumerateArray().Select(l => l.GetProperty("response").GetString())));

        var format = root.GetProperty("format");
        OllamaShapes.ChatLine(format);
        var answer = format.GetProperty("message").GetProperty("content").GetString()!;
        Assert.True(SchemaValidator.IsValid(root.GetProperty("schema").GetRawText(), answer, out var why), $"{answer}: {why}");
        Assert.Equal("stop", format.GetProperty("done_reason").GetString());
        using (var json = JsonDocument.Parse(root.GetProperty("formatJson").GetProperty("response").GetString()!))
        {
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        }

        var load = root.GetProperty("load");
        OllamaShapes.ChatLine(load);
        Assert.Equal("load", load.GetProperty("done_reason").GetString());

        var refused = root.GetProperty("refused");
        foreach (var (name, status, says) in new[]
        {
            ("unknownModel", 404, "llama3.2"), ("pullMissing", 404, "OTA"), ("showMissing", 404, "llama3.2"),
            ("images", 400, "images"), ("badOptions", 400, "options.temperature"), ("badFormat", 400, "format"),
        })
        {
            var r = refused.GetProperty(name);
            Assert.True(r.GetProperty("thrown").GetBoolean(), name);
            Assert.Equal("ResponseError", r.GetProperty("name").GetString());
            Assert.Equal(status, r.GetProperty("status").GetInt32());
            Assert.Contains(says, r.GetProperty("message").GetString());
        }

        // Counted like every transport's requests, under their own label.
        var metrics = await _service.Http.GetStringAsync("/metrics");
        Assert.Contains("edgellm_requests_total{transport=\"ollama\",outcome=\"stop\"} 6", metrics);
        Assert.Contains("edgellm_requests_total{transport=\"ollama\",outcome=\"model_unavailable\"} 1", metrics);
        Assert.Contains("edgellm_requests_total{transport=\"ollama\",outcome=\"bad_request\"} 3", metrics);
    }

    [Fact]
    public async Task Home_assistants_pattern_gets_a_tool_call_with_object_arguments_then_a_final_answer()
    {
        using var doc = await NodeScript.RunAsync(OllamaClientDir, ["ollama"], "home-assistant-pattern.mjs", Host, "iot-assist", "--json");
        var root = doc.RootElement;
        Assert.Contains("iot-assist:latest", OllamaShapes.Models(root.GetProperty("listed")).EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.Single(OllamaShapes.Models(root.GetProperty("running")).EnumerateArray());

        var rounds = root.GetProperty("rounds").EnumerateArray().ToList();
        Assert.Equal(2, rounds.Count);
        foreach (var round in rounds)
        {
            OllamaShapes.Stream(round.GetProperty("lines"), OllamaShapes.ChatLine);
        }
        var call = Assert.Single(rounds[0].GetProperty("calls").EnumerateArray()).GetProperty("function");
        Assert.Equal("set_device", call.GetProperty("name").GetString());
        var arguments = call.GetProperty("arguments");
        Assert.Equal(JsonValueKind.Object, arguments.ValueKind);
        Assert.Equal(["device", "action", "zone"], arguments.EnumerateObject().Select(p => p.Name));
        Assert.Contains(arguments.GetProperty("device").GetString(), new[] { "light", "fan", "heater", "blinds", "tv" });
        Assert.Contains(arguments.GetProperty("zone").GetString(), new[] { "kitchen", "bedroom", "office", "living_room" });
        // The call comes whole in one line, before the last; no text is streamed beside it.
        Assert.Equal(2, rounds[0].GetProperty("lines").GetArrayLength());
        Assert.Equal("", rounds[0].GetProperty("content").GetString());

        Assert.Empty(rounds[1].GetProperty("calls").EnumerateArray());
        Assert.NotEqual("", rounds[1].GetProperty("content").GetString());
        Assert.Equal("stop", rounds[1].GetProperty("done_reason").GetString());
    }

    /// <summary>The OpenAI endpoint's greedy answer to one user message, what the same Ollama request must give.</summary>
    private async Task<string> OpenAiAnswerAsync(string user)
    {
        using var response = await _service.Http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "iot-assist",
            messages = new[] { new { role = "user", content = user } },
            temperature = 0,
            max_tokens = 64,
        });
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
