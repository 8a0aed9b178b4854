using System.Diagnostics;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>
/// Tool calls and json_schema answers through the official <c>openai</c> npm client (installed by
/// tests/setup-test-assets.sh into OpenAiClient/node_modules) against the real REST API with the default model.
/// </summary>
public sealed class RestToolCallTests : IAsyncLifetime
{
    private static readonly string ClientDir = NodeScript.ClientDir("OpenAiClient");
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    /// <summary>Runs one of OpenAiClient's scripts against the service and returns the JSON it printed.</summary>
    private Task<JsonDocument> RunScriptAsync(string script, params string[] packages) =>
        NodeScript.RunAsync(ClientDir, packages, script, _service.Address.ToString().TrimEnd('/'));

    /// <summary>
    /// Issue 27: the OpenAI SDK's <c>runTools</c> and the AI SDK's <c>stopWhen: stepCountIs(2)</c> send the assistant turn
    /// that called a tool back with <c>content</c> null or absent, then the tool's result; both loops run to their end.
    /// </summary>
    [Fact]
    public async Task The_tool_loops_of_the_openai_sdk_and_the_ai_sdk_run_to_their_end()
    {
        using var doc = await RunScriptAsync("agent-loops.mjs", "openai", "ai", Path.Combine("@ai-sdk", "openai-compatible"));
        var root = doc.RootElement;
        var openai = root.GetProperty("openai");
        Assert.Equal(2, openai.GetProperty("completions").GetInt32());
        Assert.Equal(["user", "assistant", "tool", "assistant", "tool"], openai.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var ai = root.GetProperty("ai");
        Assert.Equal(2, ai.GetProperty("steps").GetInt32());
        Assert.All(ai.GetProperty("finish_reasons").EnumerateArray(), r => Assert.Equal("tool-calls", r.GetString()));
        // Both loops ran the tool with arguments the schema allows, once per completion.
        var calls = root.GetProperty("calls").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(4, calls.Count);
        Assert.All(calls, c => Assert.Contains(c, new[] { "kitchen_temperature", "door_lock" }));
    }

    [Fact]
    public async Task The_openai_client_gets_valid_tool_calls_plain_named_and_streamed()
    {
        using var doc = await RunScriptAsync("tool-calls.mjs", "openai");
        var root = doc.RootElement;

        var plain = root.GetProperty("plain");
        Assert.Equal("tool_calls", plain.GetProperty("finish_reason").GetString());
        var call = Assert.Single(plain.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.StartsWith("call_", call.GetProperty("id").GetString());
        var name = call.GetProperty("function").GetProperty("name").GetString();
        Assert.Contains(name, new[] { "set_device", "read_sensor" });
        using (var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            if (name == "set_device")
            {
                Assert.Contains(args.RootElement.GetProperty("device").GetString(), new[] { "light", "fan", "heater", "blinds" });
                Assert.Equal(3, args.RootElement.EnumerateObject().Count());
            }
        }
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("message").GetProperty("content").ValueKind);

        var named = root.GetProperty("named");
        Assert.Equal("tool_calls", named.GetProperty("finish_reason").GetString());
        var namedCall = Assert.Single(named.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("read_sensor", namedCall.GetProperty("function").GetProperty("name").GetString());
        using (var args = JsonDocument.Parse(namedCall.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            Assert.True(args.RootElement.GetProperty("sensor").GetString()!.Length <= 24);
        }

        var streamed = root.GetProperty("streamed");
        Assert.Equal("tool_calls", streamed.GetProperty("finish_reason").GetString());
        Assert.Contains(streamed.GetProperty("name").GetString(), new[] { "set_device", "read_sensor" });
        using (JsonDocument.Parse(streamed.GetProperty("arguments").GetString()!))
        {
        }
        Assert.Equal("", streamed.GetProperty("content").GetString());

        // Issue 27: usage only when asked, in a chunk of its own with no choices; every chunk then has the usage key.
        var asked = root.GetProperty("usage").GetProperty("asked");
        Assert.True(asked.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(0, asked.GetProperty("last_choices").GetInt32());
        Assert.Equal(asked.GetProperty("chunks").GetInt32(), asked.GetProperty("with_usage_key").GetInt32());
        var notAsked = root.GetProperty("usage").GetProperty("not_asked");
        Assert.Equal(JsonValueKind.Null, notAsked.GetProperty("usage").ValueKind);
        Assert.Equal(0, notAsked.GetProperty("with_usage_key").GetInt32());
        Assert.Equal(1, notAsked.GetProperty("last_choices").GetInt32());
        Assert.Equal(asked.GetProperty("text").GetString(), notAsked.GetProperty("text").GetString());

        var schema = root.GetProperty("schema");
        Assert.Equal("stop", schema.GetProperty("finish_reason").GetString());
        using (var answer = JsonDocument.Parse(schema.GetProperty("content").GetString()!))
        {
            Assert.Equal(["device", "action", "zone"], answer.RootElement.EnumerateObject().Select(p => p.Name));
        }

        var refused = root.GetProperty("refused");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Contains("format", refused.GetProperty("message").GetString());
        Assert.Equal("response_format", refused.GetProperty("param").GetString());
    }
}
