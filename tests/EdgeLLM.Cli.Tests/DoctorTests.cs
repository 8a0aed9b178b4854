using System.Text.Json;

namespace EdgeLLM.Cli.Tests;

public class DoctorTests
{
    /// <summary>No settings: the machine's own /etc/edgellm/edgellm.json must not choose the profile for these tests.</summary>
    private static readonly string EmptyConfig = WriteEmptyConfig();

    private static string WriteEmptyConfig()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgellm-doctor-{Environment.ProcessId}.json");
        File.WriteAllText(path, "{}");
        return path;
    }

    private static string Fixture(string device)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "EdgeLLM.Runtime.Tests", "Fixtures", "sysfs", device);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"sysfs fixture {device}");
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, relative)))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }
        throw new FileNotFoundException(relative);
    }

    [Fact]
    public async Task Doctor_detects_a_jetson_and_reports_providers_budgets_meter_and_temperatures_as_json()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--json", "--root", Fixture("jetson-orin-nano-jp6")], output);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output.ToString());
        var r = doc.RootElement;
        Assert.Equal("jetson-orin-nano", r.GetProperty("profile").GetProperty("id").GetString());
        Assert.Contains(r.GetProperty("profile").GetProperty("findings").EnumerateArray(), f => f.GetString()!.Contains("nv_tegra_release"));
        var ort = r.GetProperty("onnxruntime");
        Assert.Contains(ort.GetProperty("available_providers").EnumerateArray(), p => p.GetString() == "CPUExecutionProvider");
        Assert.Equal("TensorrtExecutionProvider", ort.GetProperty("profile_providers")[0].GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(ort.GetProperty("chosen").GetString()));
        // The test build restores GenAI's package; the release artifacts ship it as the add-on doctor names.
        var genai = r.GetProperty("onnxruntime_genai");
        Assert.True(genai.GetProperty("installed").GetBoolean());
        Assert.EndsWith("libonnxruntime-genai.so", genai.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal("edgellm-genai", genai.GetProperty("add_on").GetString());
        Assert.Equal(4294967296, r.GetProperty("budgets").GetProperty("memory_bytes").GetInt64());
        var energy = r.GetProperty("energy");
        Assert.Equal("ina3221", energy.GetProperty("meter").GetString());
        Assert.Equal(5.072 * 1.432, energy.GetProperty("watts").GetDouble(), 3);
        var thermal = r.GetProperty("thermal");
        Assert.Equal("normal", thermal.GetProperty("state").GetString());
        Assert.Equal(47.5, thermal.GetProperty("celsius").GetDouble());
        Assert.Equal(9, thermal.GetProperty("zones").GetArrayLength());
    }

    [Fact]
    public async Task A_configured_profile_is_used_and_providers_missing_from_the_build_fall_back_with_a_reason()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--device", "qualcomm-qnn", "--root", Fixture("raspberry-pi-5")], output);
        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("Device profile: qualcomm-qnn", text);
        Assert.Contains("configured", text);
        Assert.Contains("QNNExecutionProvider: not in this ONNX Runtime build", text);
        Assert.Contains("chosen: CPUExecutionProvider (fallback: QNNExecutionProvider not in this ONNX Runtime build)", text);
        Assert.Contains("Energy meter: estimate", text);
        Assert.Contains("thermal_zone0 cpu-thermal: 52.1 C", text);
    }

    [Fact]
    public async Task Doctor_shows_the_served_models_measured_footprint_at_the_profiles_batch()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--device", "generic-cpu", "--json"], output);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output.ToString());
        var serving = doc.RootElement.GetProperty("serving");
        Assert.Equal("iot-assist", serving.GetProperty("model").GetString());
        // The 6 MB default model prepacks at load: a saved form would cost more than it saves.
        Assert.Matches(@"^prepacked weights are not saved for a model of \d+\.\d MiB \(below 32 MiB\)$", serving.GetProperty("prepacked_weights").GetString());
        var memory = serving.GetProperty("memory");
        long Part(string name) => memory.GetProperty(name).GetInt64();
        // generic-cpu: 8 concurrent sequences, and its 256 MiB KV budget holds 8 of the default model's 2 MiB.
        Assert.Equal(8, memory.GetProperty("batch_slots").GetInt32());
        Assert.Equal(8 * 512L * 2 * 4 * 2 * 64 * 4, Part("kv_reserved_bytes"));
        Assert.Equal(Part("session_bytes") + Part("tokenizer_bytes") + Part("kv_reserved_bytes") + Part("activation_bytes"), Part("model_bytes"));
        Assert.Equal(Part("runtime_bytes") + Part("model_bytes"), Part("required_bytes"));
        Assert.True(Part("required_bytes") < doc.RootElement.GetProperty("budgets").GetProperty("memory_bytes").GetInt64());
        Assert.Equal("/proc/self/status", memory.GetProperty("measured_by").GetString());
    }

    [Fact]
    public async Task Doctor_text_lists_each_part_of_the_footprint()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--device", "generic-cpu"], output);
        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("Memory at 8 batch slots of 512 positions (measured from /proc/self/status at load):", text);
        Assert.Contains("  KV cache        16.00 MiB  reserved for every slot at full context; 0.00 MiB resident now", text);
        Assert.Contains("  decoder weights: prepacked weights are not saved for a model of ", text);
        foreach (var part in new[] { "  runtime ", "  sessions ", "  tokenizer ", "  activations ", "  total " })
        {
            Assert.Contains(part, text);
        }
    }

    [Fact]
    public async Task A_budget_too_small_for_the_model_is_reported_with_the_parts_that_do_not_fit()
    {
        // A profile file is named after its id.
        var profile = Path.Combine(Directory.CreateTempSubdirectory("edgellm-doctor-").FullName, "generic-cpu.json");
        var source = File.ReadAllText(RepositoryFile(Path.Combine("device-configs", "generic-cpu.json")));
        File.WriteAllText(profile, source.Replace("\"memory_budget_bytes\": 2147483648", "\"memory_budget_bytes\": 1048576", StringComparison.Ordinal)
            .Replace("\"kv_cache_budget_bytes\": 268435456", "\"kv_cache_budget_bytes\": 1048576", StringComparison.Ordinal));
        var output = new StringWriter();

        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--device", profile], output);

        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("Serving: cannot load", text);
        Assert.Contains("but the memory budget is 1048576 bytes", text);
        Assert.Contains("weights files 5.66 MiB + runtime", text);
    }

    [Fact]
    public async Task An_unknown_profile_is_an_error_listing_the_known_ones()
    {
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["doctor", "--config", EmptyConfig, "--device", "toaster"], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("raspberry-pi-5", error.ToString());
    }
}
