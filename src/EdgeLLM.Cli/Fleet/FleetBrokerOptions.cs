using System.Globalization;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// How the operator tools (<c>ota publish</c>, <c>fleet status</c>) reach the fleet's broker: the same settings as
/// the service's <c>EdgeLLM:Mqtt</c> section (host, port, TLS CA/certificate/key files, user name and password), so one
/// broker set-up serves both sides. TLS is on when a CA file is given, as on the service.
/// </summary>
internal sealed record FleetBrokerOptions
{
    /// <summary>The MQTT port when <c>--broker</c> names none (TLS or not, as the service's default).</summary>
    public const int DefaultPort = 1883;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>PEM file of the CA(s) the broker's certificate must chain to; turns TLS on.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>PEM client certificate, for brokers that demand one (with <see cref="TlsKeyFile"/>).</summary>
    public string? TlsCertFile { get; init; }

    /// <summary>PEM private key of <see cref="TlsCertFile"/>.</summary>
    public string? TlsKeyFile { get; init; }

    public bool UseTls => TlsCaFile is not null;

    /// <summary>Parses <c>HOST[:PORT]</c> (<c>[v6]:PORT</c> for IPv6 literals).</summary>
    /// <exception cref="FormatException">Empty host or a port outside 1–65535.</exception>
    public static (string Host, int Port) ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{address}': an IPv6 address needs its closing ']'");
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                port = text[(close + 1)..] is [':', .. var rest] ? rest : throw new FormatException($"'{address}': expected ':PORT' after ']'");
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            (host, port) = colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
        }

        if (host.Length == 0)
        {
            throw new FormatException($"'{address}': no host");
        }

        if (port is null)
        {
            return (host, DefaultPort);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? (host, number)
            : throw new FormatException($"'{address}': the port must be a number from 1 to 65535");
    }

    /// <summary>Checks the combination of settings and that every named file exists.</summary>
    /// <exception cref="FormatException">What is wrong, naming the option.</exception>
    public void Validate()
    {
        if ((TlsCertFile is null) != (TlsKeyFile is null))
        {
            throw new FormatException("--tls-cert-file and --tls-key-file go together");
        }

        if (TlsCertFile is not null && TlsCaFile is null)
        {
            throw new FormatException("a client certificate needs TLS: give --tls-ca-file as well");
        }

        if (Password is not null && Username is null)
        {
            throw new FormatException("a password needs --username");
        }

        foreach (var (option, path) in new[] { ("--tls-ca-file", TlsCaFile), ("--tls-cert-file", TlsCertFile), ("--tls-key-file", TlsKeyFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new FormatException($"{option}: {path} does not exist");
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
