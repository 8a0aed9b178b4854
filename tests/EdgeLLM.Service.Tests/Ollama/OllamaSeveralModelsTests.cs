using System.Net;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Service.Tests.Rest;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>
/// A device with more models installed than it serves (<c>EdgeLLM:ModelDirectories</c>): Ollama's listing shows them
/// all, a request naming one loads it beside the serving model, and the serving model goes on as before.
/// </summary>
public sealed class OllamaSeveralModelsTests : IAsyncLifetime
{
    private static readonly string Variants = Path.GetFullPath(Path.Combine(DefaultModelSmoke.Directory, "..", "variants"));
    private RunningService _service = null!;

    public async Task InitializeAsync() => _service = await RunningService.StartAsync(new Dictionary<string, string> { ["EdgeLLM:ModelDirectories:0"] = Variants });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private HttpClient Http => _service.Http;

    [Fact]
    public async Task Installed_models_are_listed_and_one_named_in_a_chat_is_loaded_beside_the_serving_model()
    {
        using (var tags = JsonDocument.Parse(await Http.GetStringAsync("/api/tags")))
        {
            Assert.Equal(["iot-assist:latest", "iot-assist-fp16kv:latest", "iot-assist-weak-draft:latest"],
                OllamaShapes.Models(tags.RootElement).EnumerateArray().Select(m => m.GetProperty("name").GetString()!));
        }
        Assert.Equal(["iot-assist:latest"], await RunningAsync());

        using (var show = JsonDocument.Parse(await (await Http.PostAsync("/api/show", RestApiTests.Json(new { model = "iot-assist-weak-draft" }))).Content.ReadAsStringAsync()))
        {
            Assert.Equal("2026.12.01", show.RootElement.GetProperty("model_info").GetProperty("edgellm.version").GetString());
            Assert.False(show.RootElement.GetProperty("model_info").TryGetProperty("edgellm.memory_bytes", out _));
        }

        using (var response = await Http.PostAsync("/api/chat", RestApiTests.Json(new
        {
            model = "iot-assist-fp16kv:latest",
            stream = false,
            keep_alive = "10m",
            messages = new[] { new { role = "user", content = DefaultModelSmoke.Cases[0].UserMessage } },
            options = new { temperature = 0, num_predict = 64 },
        })))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            OllamaShapes.ChatLine(answer.RootElement);
            OllamaShapes.Final(answer.RootElement);
            Assert.Equal("iot-assist-fp16kv:latest", answer.RootElement.GetProperty("model").GetString());
        }
        Assert.Equal(["iot-assist:latest", "iot-assist-fp16kv:latest"], await RunningAsync());
        using (var ps = JsonDocument.Parse(await Http.GetStringAsync("/api/ps")))
        {
            var expires = DateTimeOffset.Parse(ps.RootElement.GetProperty("models")[1].GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10));
        }

        // The serving model still answers /v1 and /api as before, and is what /v1/models reports.
        Assert.Equal("iot-assist", _service.Host.Current!.Model.Identity.Id);
        using (var v1 = JsonDocument.Parse(await Http.GetStringAsync("/v1/models")))
        {
            Assert.Equal("iot-assist", Assert.Single(v1.RootElement.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        }

        // An empty chat with keep_alive 0 unloads a model loaded on demand, as Ollama does.
        using (var unload = JsonDocument.Parse(await (await Http.PostAsync("/api/chat", RestApiTests.Json(new { model = "iot-assist-fp16kv", messages = Array.Empty<object>(), keep_alive = 0, stream = false }))).Content.ReadAsStringAsync()))
        {
            Assert.Equal("unload", unload.RootElement.GetProperty("done_reason").GetString());
        }
        Assert.Equal(["iot-assist:latest"], await RunningAsync());
    }

    private async Task<string[]> RunningAsync()
    {
        using var ps = JsonDocument.Parse(await Http.GetStringAsync("/api/ps"));
        return OllamaShapes.Models(ps.RootElement).EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray();
    }
}
