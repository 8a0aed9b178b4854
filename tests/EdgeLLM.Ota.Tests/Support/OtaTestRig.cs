using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Signing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>
/// A device and a fleet server for OTA tests: a temporary state directory, a trusted key made by the keygen
/// code, bundles packed by the pack code and served by a real HTTP server, the embedded default model
/// (<c>iot-test@1.0.0</c>), and recording status sink, activator and validator.
/// </summary>
internal sealed class OtaTestRig : IAsyncDisposable
{
    public const string DefaultVersion = "1.0.0";
    private readonly List<OtaUpdater> _updaters = [];

    private OtaTestRig(string root, BundleServer server)
    {
        Root = root;
        Server = server;
        StateDirectory = Path.Combine(root, "state");
        KeysDirectory = Path.Combine(root, "trusted-keys");
        BundlesDirectory = Path.Combine(root, "bundles");
        SourcesDirectory = Path.Combine(root, "sources");
        Directory.CreateDirectory(StateDirectory);
        Directory.CreateDirectory(KeysDirectory);
        Key = OtaKeyPair.Generate();
        File.WriteAllText(Path.Combine(KeysDirectory, "fleet.pub.pem"), Key.PublicKeyPem);
        var defaultDirectory = TestModelDirectory.Create(Path.Combine(SourcesDirectory, DefaultVersion), DefaultVersion);
        DefaultModel = new OtaInstalledModel(TestModelDirectory.ModelId, DefaultVersion, defaultDirectory);
        Options = new OtaOptions
        {
            TrustedKeysDir = KeysDirectory,
            ConfirmSeconds = 60,
            DownloadRetries = 3,
            DownloadRetryDelayMilliseconds = 10,
            DownloadStallSeconds = 10,
            DownloadTimeoutSeconds = 120,
        };
    }

    public string Root { get; }

    public string StateDirectory { get; }

    public string KeysDirectory { get; }

    public string BundlesDirectory { get; }

    public string SourcesDirectory { get; }

    public BundleServer Server { get; }

    public OtaKeyPair Key { get; }

    public OtaInstalledModel DefaultModel { get; }

    public OtaOptions Options { get; }

    public string DeviceId { get; set; } = "device-under-test";

    public string RuntimeVersion { get; set; } = "0.1.0";

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public RecordingStatusSink Status { get; } = new();

    public RecordingActivator Activator { get; } = new();

    public ScriptedValidator Validator { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    public string CurrentLink => Path.Combine(StateDirectory, "ota", "current");

    public string StagingDirectory => Path.Combine(StateDirectory, "ota", "staging");

    public string DownloadsDirectory => Path.Combine(StateDirectory, "ota", "downloads");

    public static async Task<OtaTestRig> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("edgellm-ota-").FullName;
        return new OtaTestRig(root, await BundleServer.StartAsync());
    }

    /// <summary>A new updater on the same state directory: each call is a fresh start of the service.</summary>
    public OtaUpdater CreateUpdater(IOtaStepObserver? steps = null)
    {
        var device = new OtaDeviceContext(DeviceId, StateDirectory, RuntimeVersion, DefaultModel);
        var updater = new OtaUpdater(Microsoft.Extensions.Options.Options.Create(Options), device, new OtaHostBindings(Validator, Activator, Status), Http,
            NullLogger<OtaUpdater>.Instance, Clock, steps);
        _updaters.Add(updater);
        return updater;
    }

    /// <summary>Makes model version <paramref name="version"/>, packs it with the pack code, serves it and signs its manifest.</summary>
    public async Task<PublishedBundle> PublishAsync(
        string version, Action<JsonObject>? editManifest = null, OtaKeyPair? signer = null, int weightBytes = 48 * 1024,
        bool allowRealModel = true, Func<OtaPackRequest, OtaPackRequest>? editPack = null, Action<OtaPackResult>? onPacked = null)
    {
        var source = Path.Combine(SourcesDirectory, version);
        if (!Directory.Exists(source))
        {
            TestModelDirectory.Create(source, version, weightBytes, allowRealModel: allowRealModel);
        }

        Validator.RegisterSource(version, source);
        var request = new OtaPackRequest(source, BundlesDirectory) { Url = Server.BaseAddress.AbsoluteUri };
        var packed = await OtaBundlePacker.PackAsync(editPack?.Invoke(request) ?? request, CancellationToken.None);
        onPacked?.Invoke(packed);
        var url = Server.Add(packed.BundlePath);
        var manifest = JsonNode.Parse(File.ReadAllBytes(packed.ManifestPath))!.AsObject();
        editManifest?.Invoke(manifest);
        var signed = TestSigning.Sign(manifest, signer ?? Key);
        return new PublishedBundle(version, signed, packed.BundlePath, url, source, packed.Manifest.Sha256);
    }

    /// <summary>Serves <paramref name="bundle"/> bytes as version <paramref name="version"/> with a correctly signed manifest.</summary>
    public PublishedBundle PublishRaw(string version, byte[] bundle)
    {
        var name = $"{TestModelDirectory.ModelId}-{version}.tar.gz";
        var url = Server.Add(name, bundle);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bundle));
        var manifest = new JsonObject
        {
            ["model"] = TestModelDirectory.ModelId,
            ["version"] = version,
            ["url"] = url.AbsoluteUri,
            ["sha256"] = sha256,
            ["size"] = bundle.Length,
        };
        return new PublishedBundle(version, TestSigning.Sign(manifest, Key), Path.Combine(BundlesDirectory, name), url, "", sha256);
    }

    public string? CurrentLinkTarget() => new FileInfo(CurrentLink).LinkTarget;

    /// <summary>Asserts that <paramref name="updater"/> serves exactly the files of <paramref name="expectedSource"/> and nothing half-done is left.</summary>
    public void AssertServing(OtaUpdater updater, string expectedSource)
    {
        var active = updater.ActiveModel;
        Assert.NotNull(active);
        TestModelDirectory.AssertSameFiles(expectedSource, active.Directory);
        AssertNoStagingLeftovers();
    }

    public void AssertNoStagingLeftovers()
    {
        if (Directory.Exists(StagingDirectory))
        {
            Assert.Empty(Directory.GetFileSystemEntries(StagingDirectory));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var updater in _updaters)
        {
            await updater.DisposeAsync();
        }

        await Server.DisposeAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A bundle on the test server and its signed manifest.</summary>
internal sealed record PublishedBundle(string Version, byte[] Manifest, string BundlePath, Uri Url, string SourceDirectory, string Sha256)
{
    public string BundleName => Path.GetFileName(BundlePath);
}
