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
    private static readonly string ClientDir = Path.GetFullPath(Path.Combine(DefaultModelSmoke.Directory, "..", "..", "tests", "EdgeLLM.Service.Tests", "OpenAiClient"));
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task The_openai_client_gets_valid_tool_calls_plain_named_and_streamed()
    {
        Assert.True(File.Exists(Path.Combine(ClientDir, "node_modules", "openai", "package.json")),
            $"the openai npm client is not installed in {ClientDir}: run tests/setup-test-assets.sh");
        var start = new ProcessStartInfo("node", [Path.Combine(ClientDir, "tool-calls.mjs"), _service.Address.ToString().TrimEnd('/')])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ClientDir,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node failed: {await stderr}");
        using var doc = JsonDocument.Parse(await stdout);
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

        var schema = root.GetProperty("schema");
        Assert.Equal("stop", schema.GetProperty("finish_reason").GetString());
        using (var answer = JsonDocument.Parse(schema.GetProperty("content").GetString()!))
        {
            Assert.Equal(["device", "action", "zone"], answer.RootElement.EnumerateObject().Select(p => p.Name));
        }

        var refused = root.GetProperty("refused");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Contains("format", refused.GetProperty("message").GetString());
    }
}
