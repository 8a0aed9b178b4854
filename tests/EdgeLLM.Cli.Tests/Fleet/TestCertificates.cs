using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>A throw-away CA, a broker certificate for 127.0.0.1 and a client certificate, as PEM files in a directory.</summary>
internal sealed record TestCertificates(string CaFile, string ServerCertificateFile, string ServerKeyFile, string ClientCertificateFile, string ClientKeyFile)
{
    public MosquittoTlsFiles BrokerFiles => new(CaFile, ServerCertificateFile, ServerKeyFile);

    public static TestCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=EdgeLLM test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var (serverCert, serverKey) = Issue(ca, "CN=127.0.0.1", server: true, now);
        var (clientCert, clientKey) = Issue(ca, "CN=fleet-operator", server: false, now);
        var files = new TestCertificates(Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"),
            Path.Combine(directory, "client.pem"), Path.Combine(directory, "client.key"));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(files.ServerCertificateFile, serverCert);
        File.WriteAllText(files.ServerKeyFile, serverKey);
        File.WriteAllText(files.ClientCertificateFile, clientCert);
        File.WriteAllText(files.ClientKeyFile, clientKey);
        return files;
    }

    private static (string Certificate, string Key) Issue(X509Certificate2 ca, string subject, bool server, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
