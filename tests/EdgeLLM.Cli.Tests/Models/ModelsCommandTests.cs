using System.Text.Json;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Models;

public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"edgellm-cli-state-{Guid.NewGuid():N}");

    public ModelsCommandTests() => Directory.CreateDirectory(_state);

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task List_shows_the_default_model_with_int4_and_its_size()
    {
        var (code, output, _) = await InProcess.RunAsync(["models", "list", "--state-dir", _state]);
        Assert.Equal(0, code);
        var row = Assert.Single(output.Split('\n'), l => l.Contains("iot-assist ", StringComparison.Ordinal));
        Assert.Contains("2026.11.22", row);
        Assert.Contains("INT4 (MatMulNBits", row);
        Assert.Contains(Repo.DefaultModel, row);
        Assert.Matches(@"5\.\d MiB", row);
    }

    [Fact]
    public async Task List_json_has_one_entry_per_model()
    {
        var (code, output, _) = await InProcess.RunAsync(["models", "list", "--json", "--state-dir", _state]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        // The checkout's built-in models: the default and its teacher (iot-assist-pro), each once.
        Assert.Equal(["iot-assist", "iot-assist-pro"], doc.RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        var e = doc.RootElement.EnumerateArray().First(m => m.GetProperty("id").GetString() == "iot-assist");
        Assert.Equal("builtin", e.GetProperty("source").GetString());
        Assert.StartsWith("INT4", e.GetProperty("quantization").GetString());
        Assert.True(e.GetProperty("size_bytes").GetInt64() > 5_000_000);
    }

    [Fact]
    public async Task List_marks_the_ota_active_and_previous_versions_of_the_state_dir()
    {
        var active = InstallVersion("2026.12.1");
        var previous = InstallVersion("2026.11.30");
        Directory.CreateDirectory(Path.Combine(_state, "ota"));
        await File.WriteAllTextAsync(Path.Combine(_state, "ota", "ota-state.json"), JsonSerializer.Serialize(new
        {
            format = 1,
            active = new { model = "iot-assist", version = "2026.12.1", directory = Path.GetRelativePath(_state, active), sha256 = "00", builtin = false },
            previous = new { model = "iot-assist", version = "2026.11.30", directory = Path.GetRelativePath(_state, previous), sha256 = "00", builtin = false },
        }));

        var (code, output, _) = await InProcess.RunAsync(["models", "list", "--json", "--state-dir", _state]);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var byVersion = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("version").GetString()!, e => e.GetProperty("ota").GetString());
        Assert.Equal("active", byVersion["2026.12.1"]);
        Assert.Equal("previous", byVersion["2026.11.30"]);
        Assert.Null(byVersion["2026.11.22"]);
        var table = await InProcess.RunAsync(["models", "list", "--state-dir", _state]);
        Assert.Contains("active", Assert.Single(table.Output.Split('\n'), l => l.Contains("2026.12.1")));
    }

    [Fact]
    public async Task Info_summarises_the_genai_config()
    {
        var (code, output, _) = await InProcess.RunAsync(["models", "info", "iot-assist", "--json"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal("llama", r.GetProperty("type").GetString());
        Assert.Equal(512, r.GetProperty("context_length").GetInt32());
        Assert.Equal(4, r.GetProperty("layers").GetInt32());
        Assert.Equal(4, r.GetProperty("attention_heads").GetInt32());
        Assert.Equal(2, r.GetProperty("kv_heads").GetInt32());
        Assert.Equal(64, r.GetProperty("head_size").GetInt32());
        Assert.Equal(3268, r.GetProperty("vocab_size").GetInt32());
        Assert.Equal([2, 0], r.GetProperty("eos_token_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("shared", r.GetProperty("kv_style").GetString());
        Assert.StartsWith("INT4", r.GetProperty("quantization").GetString());
        Assert.True(r.GetProperty("files").GetProperty("model.onnx").GetInt64() > 5_000_000);
    }

    [Fact]
    public async Task Info_table_names_the_kv_style_and_file_sizes()
    {
        var (code, output, _) = await InProcess.RunAsync(["models", "info", Repo.DefaultModel]);
        Assert.Equal(0, code);
        Assert.Contains("shared (past_present_share_buffer", output);
        Assert.Matches(@"model\.onnx\s+│\s+5\.7 MiB", output);
        Assert.Contains("INT4", output);
    }

    [Fact]
    public async Task Info_of_an_unknown_model_exits_3()
    {
        var (code, _, error) = await InProcess.RunAsync(["models", "info", "no-such-model", "--state-dir", _state]);
        Assert.Equal(3, code);
        Assert.Contains("model 'no-such-model' not found", error);
    }

    private string InstallVersion(string version)
    {
        var dir = Path.Combine(_state, "models", "iot-assist", "versions", version);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Repo.DefaultModel))
        {
            File.CreateSymbolicLink(Path.Combine(dir, Path.GetFileName(f)), f);
        }
        File.Delete(Path.Combine(dir, "edgellm_model.json"));
        File.WriteAllText(Path.Combine(dir, "edgellm_model.json"), $$"""{"id":"iot-assist","version":"{{version}}","quantization":"int4"}""");
        return dir;
    }
}
