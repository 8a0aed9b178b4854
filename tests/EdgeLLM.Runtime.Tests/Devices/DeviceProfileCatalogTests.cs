using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Devices;

public class DeviceProfileCatalogTests
{
    private static readonly string RepoConfigs = Path.Combine(TestPaths.RepoRoot, "device-configs");

    [Fact]
    public void Every_contract_profile_ships_loads_and_validates()
    {
        var catalog = DeviceProfileCatalog.Load(RepoConfigs);
        foreach (var id in new[] { "generic-cpu", "raspberry-pi-5", "jetson-orin-nano", "jetson-agx-orin", "intel-npu-openvino", "qualcomm-qnn" })
        {
            var p = catalog.Get(id);
            Assert.Equal(id, p.Id);
            Assert.NotEmpty(p.ExecutionProviders);
            Assert.Equal("CPUExecutionProvider", ExecutionProviderSelector.Canonical(p.ExecutionProviders[^1].Name));
            Assert.False(string.IsNullOrEmpty(p.SystemdMemoryMax));
        }
    }

    [Fact]
    public void The_build_copies_the_profiles_next_to_the_app_and_the_catalog_finds_them_there()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "device-configs"), DeviceProfileCatalog.FindDirectory());
        Assert.Equal(6, DeviceProfileCatalog.LoadDefault().Profiles.Count);
    }

    [Fact]
    public void The_generic_cpu_budget_fits_the_default_model_with_room_for_its_kv_cache()
    {
        var p = DeviceProfileCatalog.Load(RepoConfigs).Get("generic-cpu");
        var weights = Directory.EnumerateFiles(TestPaths.DefaultModel).Sum(f => new FileInfo(f).Length);
        Assert.True(weights + p.KvCacheBudgetBytes < p.MemoryBudgetBytes / 4, $"{weights} B of weights + {p.KvCacheBudgetBytes} B KV vs {p.MemoryBudgetBytes} B");
    }

    [Fact]
    public void Profiles_are_found_by_id_by_file_name_and_by_path()
    {
        var catalog = DeviceProfileCatalog.Load(RepoConfigs);
        Assert.Equal("raspberry-pi-5", catalog.Get("raspberry-pi-5.json").Id);
        Assert.Equal("raspberry-pi-5", catalog.Get(Path.Combine(RepoConfigs, "raspberry-pi-5.json")).Id);
        var e = Assert.Throws<DeviceProfileException>(() => catalog.Get("toaster"));
        Assert.Contains("generic-cpu", e.Message);
    }

    [Fact]
    public void A_misspelt_field_is_refused_naming_the_file_and_the_field()
    {
        using var dir = new TempDir();
        var path = dir.Write("pi.json", File.ReadAllText(Path.Combine(RepoConfigs, "raspberry-pi-5.json")).Replace("\"threads\"", "\"thread_count\""));
        var e = Assert.Throws<DeviceProfileException>(() => DeviceProfileCatalog.LoadFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("thread_count", e.Message);
    }

    [Fact]
    public void Inconsistent_values_are_refused_naming_the_file_and_each_field()
    {
        using var dir = new TempDir();
        var text = File.ReadAllText(Path.Combine(RepoConfigs, "generic-cpu.json"))
            .Replace("\"resume_c\": 80", "\"resume_c\": 90")
            .Replace("\"meter\": \"auto\"", "\"meter\": \"multimeter\"");
        var path = dir.Write("generic-cpu.json", text);
        var e = Assert.Throws<DeviceProfileException>(() => DeviceProfileCatalog.LoadFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("thermal.resume_c", e.Message);
        Assert.Contains("energy.meter 'multimeter'", e.Message);
    }

    [Fact]
    public void An_id_that_differs_from_the_file_name_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.Write("other.json", File.ReadAllText(Path.Combine(RepoConfigs, "generic-cpu.json")));
        var e = Assert.Throws<DeviceProfileException>(() => DeviceProfileCatalog.LoadFile(path));
        Assert.Contains("differs from the file name", e.Message);
    }

    [Fact]
    public void A_profile_becomes_model_and_engine_options()
    {
        var p = DeviceProfileCatalog.Load(RepoConfigs).Get("jetson-orin-nano");
        var load = p.ToModelLoadOptions();
        Assert.Equal(6, load.IntraOpThreads);
        Assert.Equal(["TensorRT", "CUDA", "CPU"], load.Providers.Select(e => e.Name));
        var engine = p.ToEngineOptions(null, null);
        Assert.Equal(8, engine.MaxBatchSize);
        Assert.Equal(64, engine.MaxQueuedRequests);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edgellm-profiles-").FullName;

        public string Write(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
