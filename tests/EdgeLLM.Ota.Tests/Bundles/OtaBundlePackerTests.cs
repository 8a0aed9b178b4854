using System.Text.Json;
using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Bundles;

public sealed class OtaBundlePackerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-ota-pack-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Pack_writes_a_tar_gz_of_the_model_files_and_an_unsigned_manifest_with_its_size_and_sha256()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "iot-test"), "2.0.0");
        var output = Path.Combine(_root, "out");

        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, output), CancellationToken.None);

        Assert.Equal(Path.Combine(output, "iot-test-2.0.0.tar.gz"), packed.BundlePath);
        Assert.Equal(Path.Combine(output, "iot-test-2.0.0.json"), packed.ManifestPath);
        var (size, sha256) = await OtaBundlePacker.HashFileAsync(packed.BundlePath, CancellationToken.None);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(packed.ManifestPath));
        var root = manifest.RootElement;
        Assert.Equal("iot-test", root.GetProperty("model").GetString());
        Assert.Equal("2.0.0", root.GetProperty("version").GetString());
        Assert.Equal(size, root.GetProperty("size").GetInt64());
        Assert.Equal(sha256, root.GetProperty("sha256").GetString());
        Assert.Equal("iot-test-2.0.0.tar.gz", root.GetProperty("url").GetString());
        Assert.False(root.TryGetProperty("signature", out _));

        // GNU tar reads it: the model's files at the archive root.
        var (code, listing) = ExternalTool.Run("tar", "-tzf", packed.BundlePath);
        Assert.True(code == 0, listing);
        var names = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => !n.EndsWith('/')).Order(StringComparer.Ordinal);
        Assert.Equal(TestModelDirectory.RelativeFiles(model), names);
    }

    [Fact]
    public async Task The_same_directory_packs_to_the_same_bytes()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "m"), "2.0.0");
        var first = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "a")), CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(model, "model.onnx"), DateTime.UtcNow.AddDays(-3));

        var second = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "b")), CancellationToken.None);

        Assert.Equal(first.Manifest.Sha256, second.Manifest.Sha256);
    }

    [Fact]
    public async Task Extracting_a_packed_bundle_gives_back_the_same_files()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "m"), "2.0.0");
        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "out")), CancellationToken.None);

        var extracted = await OtaBundleExtractor.ExtractAsync(packed.BundlePath, Path.Combine(_root, "x"), new OtaBundleLimits(1L << 30, 100, 1000), null, CancellationToken.None);

        Assert.Equal(Path.Combine(_root, "x"), extracted);
        TestModelDirectory.AssertSameFiles(model, extracted);
    }

    [Fact]
    public async Task A_directory_without_genai_config_is_refused()
    {
        var directory = Path.Combine(_root, "not-a-model");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.onnx"), "x");

        var error = await Assert.ThrowsAsync<OtaPackException>(() => OtaBundlePacker.PackAsync(new OtaPackRequest(directory, _root), CancellationToken.None));

        Assert.Contains("has no genai_config.json", error.Message);
        Assert.Empty(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task Id_and_version_come_from_flags_then_edgellm_model_json_then_the_directory_name()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "folder-name"), "2.0.0");

        var fromInfo = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "a")), CancellationToken.None);
        var fromFlags = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "b")) { Model = "kitchen", Version = "3.1" }, CancellationToken.None);
        File.Delete(Path.Combine(model, "edgellm_model.json"));
        var fromName = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "c")) { Version = "4" }, CancellationToken.None);
        var noVersion = await Assert.ThrowsAsync<OtaPackException>(() => OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "d")), CancellationToken.None));

        Assert.Equal(("iot-test", "2.0.0"), (fromInfo.Manifest.Model, fromInfo.Manifest.Version));
        Assert.Equal(("kitchen", "3.1"), (fromFlags.Manifest.Model, fromFlags.Manifest.Version));
        Assert.Equal(("folder-name", "4"), (fromName.Manifest.Model, fromName.Manifest.Version));
        Assert.Contains("pass --version", noVersion.Message);
    }

    [Fact]
    public async Task A_version_flag_is_written_into_the_bundles_edgellm_model_json_keeping_its_other_fields()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "m"), "2026.11.22");
        File.WriteAllText(Path.Combine(model, "edgellm_model.json"), """{"id":"iot-test","version":"2026.11.22","quantization":"int4"}""");

        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "out")) { Version = "2099.1.1" }, CancellationToken.None);
        var extracted = await OtaBundleExtractor.ExtractAsync(packed.BundlePath, Path.Combine(_root, "x"), new OtaBundleLimits(1L << 30, 100, 1000), null, CancellationToken.None);

        using var info = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(extracted, "edgellm_model.json")));
        Assert.Equal("iot-test", info.RootElement.GetProperty("id").GetString());
        Assert.Equal("2099.1.1", info.RootElement.GetProperty("version").GetString());
        Assert.Equal("int4", info.RootElement.GetProperty("quantization").GetString());
        Assert.Equal("2099.1.1", packed.Manifest.Version);
        // The model directory itself is left as it was.
        Assert.Contains("2026.11.22", File.ReadAllText(Path.Combine(model, "edgellm_model.json")));
    }

    [Fact]
    public async Task A_directory_without_edgellm_model_json_gets_one_in_the_bundle()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "plain"), "1.0.0");
        File.Delete(Path.Combine(model, "edgellm_model.json"));

        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "out")) { Version = "5.0" }, CancellationToken.None);
        var extracted = await OtaBundleExtractor.ExtractAsync(packed.BundlePath, Path.Combine(_root, "x"), new OtaBundleLimits(1L << 30, 100, 1000), null, CancellationToken.None);

        using var info = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(extracted, "edgellm_model.json")));
        Assert.Equal(("plain", "5.0"), (info.RootElement.GetProperty("id").GetString(), info.RootElement.GetProperty("version").GetString()));
        Assert.Equal(packed.FileCount, TestModelDirectory.RelativeFiles(extracted).Count + 1); // + the extra/ directory entry
    }

    [Fact]
    public async Task Flags_for_url_runtime_rollout_and_downgrade_go_into_the_manifest()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "m"), "2.0.0");

        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, _root)
        {
            Url = "https://fleet.example/bundles/",
            MinRuntime = "0.1.0",
            RolloutPercent = 25,
            AllowDowngrade = true,
        }, CancellationToken.None);

        Assert.Equal(new Uri("https://fleet.example/bundles/iot-test-2.0.0.tar.gz"), packed.Manifest.Url);
        Assert.Equal("0.1.0", packed.Manifest.MinRuntime);
        Assert.Equal(new OtaRollout(25, "iot-test-2.0.0"), packed.Manifest.Rollout);
        Assert.True(packed.Manifest.AllowDowngrade);
    }

    [Fact]
    public async Task A_symbolic_link_inside_the_model_directory_is_refused()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "m"), "2.0.0");
        File.CreateSymbolicLink(Path.Combine(model, "weights.bin"), "/etc/hostname");

        var error = await Assert.ThrowsAsync<OtaPackException>(() => OtaBundlePacker.PackAsync(new OtaPackRequest(model, _root), CancellationToken.None));

        Assert.Contains("is a symbolic link", error.Message);
    }

    [Theory]
    [InlineData("bad/id", null, null, "not a valid model id")]
    [InlineData(null, "1 2", null, "not a valid version")]
    [InlineData(null, null, 101, "--rollout-percent must be 0 to 100")]
    public async Task Invalid_flags_are_refused(string? model, string? version, int? percent, string message)
    {
        var directory = TestModelDirectory.Create(Path.Combine(_root, "m"), "2.0.0");

        var error = await Assert.ThrowsAsync<OtaPackException>(() => OtaBundlePacker.PackAsync(
            new OtaPackRequest(directory, _root) { Model = model, Version = version, RolloutPercent = percent }, CancellationToken.None));

        Assert.Contains(message, error.Message);
    }
}
