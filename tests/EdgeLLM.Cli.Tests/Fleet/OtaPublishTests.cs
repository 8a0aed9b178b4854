using EdgeLLM.Cli.Fleet;
using EdgeLLM.Cli.Tests.Support;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary><c>edgellm ota publish</c> against the real broker: verified before publishing, retained at QoS 1, cleared, over TLS and with a password.</summary>
public sealed class OtaPublishTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-ota-publish-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_verified_manifest_is_retained_on_the_group_topic_byte_for_byte_and_clear_removes_it()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var (manifest, publicKey) = await SignedManifestAsync();
        var address = $"{broker.Host}:{broker.Port}";

        var published = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", address, "--group", "kitchens", "--public-key", publicKey]);

        Assert.True(published.ExitCode == 0, published.Error);
        var retained = await RetainedAsync(new FleetBrokerOptions { Host = broker.Host, Port = broker.Port }, "edgellm/fleet/kitchens/ota");
        Assert.Equal(await File.ReadAllBytesAsync(manifest), retained);

        var cleared = await InProcess.RunAsync(["ota", "publish", "--clear", "--broker", address, "--group", "kitchens"]);

        Assert.True(cleared.ExitCode == 0, cleared.Error);
        Assert.Null(await RetainedAsync(new FleetBrokerOptions { Host = broker.Host, Port = broker.Port }, "edgellm/fleet/kitchens/ota"));
    }

    [Fact]
    public async Task A_manifest_that_does_not_verify_against_the_given_key_is_not_published()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var (manifest, _) = await SignedManifestAsync();
        var other = await InProcess.RunAsync(["ota", "keygen", "--out", Path.Combine(_root, "other")]);
        Assert.Equal(0, other.ExitCode);

        var result = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{broker.Host}:{broker.Port}", "--device", "gw-1",
            "--public-key", Path.Combine(_root, "other.pub.pem")]);

        Assert.Equal(FleetExitCodes.NotVerified, result.ExitCode);
        Assert.Contains("not verified, nothing published", result.Error);
        Assert.Null(await RetainedAsync(new FleetBrokerOptions { Host = broker.Host, Port = broker.Port }, "edgellm/gw-1/ota"));
    }

    [Theory]
    [InlineData(new[] { "--group", "a", "--device", "b" }, "exactly one of --device and --group")]
    [InlineData(new[] { "--group", "a/b" }, "one MQTT topic level")]
    [InlineData(new[] { "--device", "+" }, "one MQTT topic level")]
    [InlineData(new[] { "--group", "a", "--root", "edge/#" }, "without wildcards")]
    [InlineData(new[] { "--group", "a", "--tls-cert-file", "c.pem" }, "go together")]
    public async Task Options_that_do_not_go_together_are_refused_as_usage_errors(string[] extra, string message)
    {
        var result = await InProcess.RunAsync(["ota", "publish", "--clear", "--broker", "127.0.0.1:1", .. extra]);

        Assert.Equal(FleetExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task An_unreachable_broker_is_a_broker_error()
    {
        var result = await InProcess.RunAsync(["ota", "publish", "--clear", "--broker", $"127.0.0.1:{FreePort.Next()}", "--group", "a"]);

        Assert.Equal(FleetExitCodes.Broker, result.ExitCode);
        Assert.Contains("cannot connect to mqtt://127.0.0.1:", result.Error);
    }

    [Fact]
    public async Task Publishing_works_over_tls_with_a_client_certificate_and_with_a_username_and_password()
    {
        var certificates = TestCertificates.Create(Path.Combine(_root, "tls"));
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Tls = certificates.BrokerFiles,
            RequireClientCertificate = true,
            Users = [("operator", "s3cret")],
        });
        var (manifest, publicKey) = await SignedManifestAsync();

        var wrongPassword = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{broker.Host}:{broker.Port}", "--device", "gw-1",
            "--public-key", publicKey, "--username", "operator", "--password", "wrong"]);
        var overTls = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{broker.Host}:{broker.TlsPort}", "--device", "gw-1",
            "--public-key", publicKey, "--username", "operator", "--password", "s3cret",
            "--tls-ca-file", certificates.CaFile, "--tls-cert-file", certificates.ClientCertificateFile, "--tls-key-file", certificates.ClientKeyFile]);

        var strangers = TestCertificates.Create(Path.Combine(_root, "other-ca"));
        var untrustedBroker = await InProcess.RunAsync(["ota", "publish", manifest, "--broker", $"{broker.Host}:{broker.TlsPort}", "--device", "gw-1",
            "--public-key", publicKey, "--username", "operator", "--password", "s3cret",
            "--tls-ca-file", strangers.CaFile, "--tls-cert-file", certificates.ClientCertificateFile, "--tls-key-file", certificates.ClientKeyFile]);

        Assert.Equal(FleetExitCodes.Broker, wrongPassword.ExitCode);
        Assert.Equal(FleetExitCodes.Broker, untrustedBroker.ExitCode);
        Assert.True(overTls.ExitCode == 0, overTls.Error);
        Assert.Contains("on mqtts://127.0.0.1:", overTls.Output);
        var retained = await RetainedAsync(new FleetBrokerOptions { Host = broker.Host, Port = broker.Port, Username = "operator", Password = "s3cret" }, "edgellm/gw-1/ota");
        Assert.Equal(await File.ReadAllBytesAsync(manifest), retained);
    }

    private async Task<(string Manifest, string PublicKey)> SignedManifestAsync()
    {
        var keys = Path.Combine(_root, "fleet");
        Assert.Equal(0, (await InProcess.RunAsync(["ota", "keygen", "--out", keys])).ExitCode);
        var model = Ota.Support.CliModelDirectory.Create(Path.Combine(_root, "model"), "3.0.0");
        var pack = await InProcess.RunAsync(["ota", "pack", model, "--out", Path.Combine(_root, "bundles"), "--url", "https://fleet.example/b/"]);
        Assert.True(pack.ExitCode == 0, pack.Error);
        var manifest = Path.Combine(_root, "bundles", $"{Ota.Support.CliModelDirectory.ModelId}-3.0.0.json");
        Assert.Equal(0, (await InProcess.RunAsync(["ota", "sign", manifest, "--key", keys + ".pem"])).ExitCode);
        return (manifest, keys + ".pub.pem");
    }

    /// <summary>The retained payload of <paramref name="topic"/>, or null when the broker holds none.</summary>
    private static async Task<byte[]?> RetainedAsync(FleetBrokerOptions options, string topic)
    {
        var topics = new FleetTopics(FleetTopics.DefaultRoot);
        await using var connection = await FleetConnection.ConnectAsync(options, topics, CancellationToken.None);
        await connection.SubscribeAsync([topic], CancellationToken.None);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.SyncAsync(limit.Token);
        return connection.Messages.TryRead(out var message) ? message.Payload.ToArray() : null;
    }
}
