using EdgeLLM.Mqtt.Topics;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Mqtt.Client;

/// <summary>
/// Checks <see cref="MqttConnectionOptions"/> and names every offending setting. Register it with
/// <c>services.AddSingleton&lt;IValidateOptions&lt;MqttConnectionOptions&gt;, MqttConnectionOptionsValidator&gt;()</c> and
/// <c>ValidateOnStart()</c>; <see cref="MqttConnection"/> also runs it in its constructor.
/// </summary>
public sealed class MqttConnectionOptionsValidator : IValidateOptions<MqttConnectionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MqttConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Host: the broker host is empty.");
        }
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Port: {options.Port} is not a TCP port (1-65535).");
        }
        if (string.IsNullOrEmpty(options.ClientId))
        {
            if (!options.CleanStart)
            {
                failures.Add("ClientId: a persistent session (CleanStart false) needs a stable client id.");
            }
        }
        else if (MqttUtf8.Check(options.ClientId) is { } problem)
        {
            failures.Add($"ClientId: '{options.ClientId}' contains {problem}.");
        }
        if (options.SessionExpiry < TimeSpan.Zero)
        {
            failures.Add($"SessionExpiry: {options.SessionExpiry} is negative.");
        }
        double keepAlive = options.KeepAlive.TotalSeconds;
        if (keepAlive != 0 && (keepAlive < 5 || keepAlive > 65535 || keepAlive != Math.Floor(keepAlive)))
        {
            failures.Add($"KeepAlive: {options.KeepAlive} must be 0 (off) or a whole number of seconds from 5 to 65535.");
        }
        if (options.Password is not null && options.Username is null)
        {
            failures.Add("Password: a password needs a Username.");
        }
        if (options.ReconnectDelay < TimeSpan.FromMilliseconds(10))
        {
            failures.Add($"ReconnectDelay: {options.ReconnectDelay} is shorter than 10 ms.");
        }
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            failures.Add($"MaxReconnectDelay: {options.MaxReconnectDelay} is shorter than ReconnectDelay {options.ReconnectDelay}.");
        }
        if (options.MaxPendingPublishes is < 1 or > 1_000_000)
        {
            failures.Add($"MaxPendingPublishes: {options.MaxPendingPublishes} is outside 1-1000000.");
        }
        if (options.CommunicationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"CommunicationTimeout: {options.CommunicationTimeout} must be positive.");
        }
        if (options.Protocol is not (MqttProtocol.V500 or MqttProtocol.V311))
        {
            failures.Add($"Protocol: {options.Protocol} is not an MQTT version this client speaks (V500, V311).");
        }
        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"ShutdownTimeout: {options.ShutdownTimeout} must be positive.");
        }
        ValidateTls(options.Tls, failures);
        if (options.LastWill is { } will)
        {
            try
            {
                will.Validate();
            }
            catch (ArgumentException e)
            {
                failures.Add($"LastWill.{e.ParamName}: {e.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateTls(MqttTlsOptions? tls, List<string> failures)
    {
        if (tls is null)
        {
            failures.Add("Tls: the section is null; leave it out or set Enabled false instead.");
            return;
        }
        if (!tls.Enabled)
        {
            return;
        }
        if (tls.CaFile is null && !tls.UseSystemCertificates)
        {
            failures.Add("Tls: TLS needs Tls:CaFile or Tls:UseSystemCertificates to verify the broker.");
        }
        if (tls.CaFile is not null && !File.Exists(tls.CaFile))
        {
            failures.Add($"Tls:CaFile: '{tls.CaFile}' does not exist.");
        }
        if ((tls.CertificateFile is null) != (tls.KeyFile is null))
        {
            failures.Add("Tls: CertificateFile and KeyFile go together; set both or neither.");
        }
        if (tls.CertificateFile is not null && !File.Exists(tls.CertificateFile))
        {
            failures.Add($"Tls:CertificateFile: '{tls.CertificateFile}' does not exist.");
        }
        if (tls.KeyFile is not null && !File.Exists(tls.KeyFile))
        {
            failures.Add($"Tls:KeyFile: '{tls.KeyFile}' does not exist.");
        }
    }
}
