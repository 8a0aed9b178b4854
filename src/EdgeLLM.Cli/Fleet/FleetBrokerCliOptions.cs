using System.CommandLine;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// The broker options every operator command takes (<c>--broker HOST[:PORT]</c>, <c>--root</c>, TLS files, user name
/// and password), made fresh for each command (an option belongs to one parent). The password may come from
/// <c>EDGELLM__MQTT__PASSWORD</c>, the service's variable, so it need not be on the command line (and in <c>ps</c>).
/// </summary>
internal sealed class FleetBrokerCliOptions
{
    public const string PasswordVariable = "EDGELLM__MQTT__PASSWORD";

    public Option<string> Broker { get; } = new("--broker") { Description = "The fleet's MQTT broker, HOST[:PORT] (default port 1883)", Required = true };

    public Option<string> Root { get; } = new("--root")
    {
        Description = "Topic root of the fleet (the service's EdgeLLM:Mqtt:TopicRoot)",
        DefaultValueFactory = _ => FleetTopics.DefaultRoot,
    };

    public Option<string?> Username { get; } = new("--username") { Description = "MQTT user name" };

    public Option<string?> Password { get; } = new("--password") { Description = $"MQTT password (default: {PasswordVariable})" };

    public Option<string?> TlsCaFile { get; } = new("--tls-ca-file") { Description = "PEM CA file the broker's certificate must chain to; turns TLS on" };

    public Option<string?> TlsCertFile { get; } = new("--tls-cert-file") { Description = "PEM client certificate, for brokers that require one" };

    public Option<string?> TlsKeyFile { get; } = new("--tls-key-file") { Description = "PEM private key of --tls-cert-file" };

    public void AddTo(Command command)
    {
        command.Options.Add(Broker);
        command.Options.Add(Root);
        command.Options.Add(Username);
        command.Options.Add(Password);
        command.Options.Add(TlsCaFile);
        command.Options.Add(TlsCertFile);
        command.Options.Add(TlsKeyFile);
    }

    /// <summary>The validated settings of a parsed command line.</summary>
    /// <exception cref="FormatException">A bad address, root, combination or missing file, with the option named.</exception>
    public (FleetBrokerOptions Broker, FleetTopics Topics) Read(ParseResult parse)
    {
        var (host, port) = FleetBrokerOptions.ParseAddress(parse.GetRequiredValue(Broker));
        var username = parse.GetValue(Username);
        var password = parse.GetValue(Password)
            ?? (username is not null && Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var options = new FleetBrokerOptions
        {
            Host = host,
            Port = port,
            Username = username,
            Password = password,
            TlsCaFile = parse.GetValue(TlsCaFile),
            TlsCertFile = parse.GetValue(TlsCertFile),
            TlsKeyFile = parse.GetValue(TlsKeyFile),
        };
        options.Validate();
        return (options, new FleetTopics(parse.GetValue(Root) ?? FleetTopics.DefaultRoot));
    }
}
