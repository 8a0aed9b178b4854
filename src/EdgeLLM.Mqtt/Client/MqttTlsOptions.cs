namespace EdgeLLM.Mqtt.Client;

/// <summary>TLS settings for the broker connection (configuration section <c>Tls</c> under the connection options).</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Connect over TLS. Needs <see cref="CaFile"/> or <see cref="UseSystemCertificates"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file with the CA certificate(s) the broker's certificate must chain to (and nothing else).</summary>
    public string? CaFile { get; set; }

    /// <summary>Trust the operating system's CA store (for brokers with publicly issued certificates).</summary>
    public bool UseSystemCertificates { get; set; }

    /// <summary>PEM client certificate, for brokers that require one; needs <see cref="KeyFile"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Unencrypted PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Accept a broker certificate issued for another host name (the chain is still verified). For tests only: it
    /// lets anyone holding a certificate from the same CA impersonate the broker.
    /// </summary>
    public bool SkipHostNameVerification { get; set; }
}
