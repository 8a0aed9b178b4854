using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Errors;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Mqtt.Tests;

/// <summary>TLS to a mosquitto listener that demands a client certificate from the same CA.</summary>
public sealed class MqttTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() =>
        _broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Tls = _certificates.BrokerFiles, RequireClientCertificate = true });

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _certificates.Dispose();
    }

    private MqttConnectionOptions Options(string id, Action<MqttTlsOptions> tls)
    {
        var options = new MqttConnectionOptions { Host = _broker.Host, Port = _broker.TlsPort!.Value, ClientId = id, Tls = new MqttTlsOptions { Enabled = true } };
        tls(options.Tls);
        return options;
    }

    [Fact]
    public async Task With_the_ca_and_a_client_certificate_requests_and_replies_flow_over_tls()
    {
        await using var client = new MqttConnection(Options("tls-device", t =>
        {
            t.CaFile = _certificates.CaFile;
            t.CertificateFile = _certificates.ClientCertificateFile;
            t.KeyFile = _certificates.ClientKeyFile;
        }));
        await client.ConnectAsync(new CancellationTokenSource(Wait).Token);
        await client.SubscribeAsync("edgellm/tls/#");
        await client.PublishAsync(new MqttMessage { Topic = "edgellm/tls/request", Payload = "secret"u8.ToArray(), CorrelationData = new byte[] { 4, 2 } });
        using var timeout = new CancellationTokenSource(Wait);
        var received = await client.Messages.ReadAsync(timeout.Token);
        Assert.Equal("secret", received.PayloadAsString());
        Assert.Equal(new byte[] { 4, 2 }, received.CorrelationData.ToArray());
    }

    [Fact]
    public async Task A_broker_whose_certificate_is_not_from_the_configured_ca_is_refused_at_once()
    {
        using var other = TestCertificates.Create("Some other CA");
        await using var client = new MqttConnection(Options("tls-wrong-ca", t =>
        {
            t.CaFile = other.CaFile;
            t.CertificateFile = _certificates.ClientCertificateFile;
            t.KeyFile = _certificates.ClientKeyFile;
        }));
        var e = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new CancellationTokenSource(Wait).Token));
        Assert.NotNull(e.InnerException);
        Assert.False(client.IsConnected);
    }
}
