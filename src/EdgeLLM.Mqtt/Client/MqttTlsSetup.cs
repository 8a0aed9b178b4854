using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// MQTTnet's TLS options from <see cref="MqttTlsOptions"/>: the broker's certificate must chain to the configured CA
/// file (only to it: the system store is not consulted then) or, with <see cref="MqttTlsOptions.UseSystemCertificates"/>,
/// to the system store; its name must match the host unless verification of the name is switched off for tests.
/// </summary>
internal static class MqttTlsSetup
{
    public static MqttClientTlsOptions Create(MqttTlsOptions tls, string host)
    {
        X509Certificate2Collection? authorities = null;
        if (tls.CaFile is not null)
        {
            authorities = [];
            authorities.ImportFromPemFile(tls.CaFile);
        }
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithTargetHost(host)
            .WithCertificateValidationHandler(args => Validate(args.Certificate, args.SslPolicyErrors, authorities, tls.SkipHostNameVerification));
        if (tls.CertificateFile is not null && tls.KeyFile is not null)
        {
            using var ephemeral = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
            // SslStream on Linux wants the key in a form it can hand to OpenSSL; a PKCS#12 round trip gives it one.
            X509Certificate2 client = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            builder.WithClientCertificates([client]);
        }
        return builder.Build();
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? authorities, bool skipHostName)
    {
        if (certificate is null)
        {
            return false;
        }
        if (!skipHostName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }
        if (authorities is null)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Private broker CAs publish no revocation lists; the trust decision is the CA file itself.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
