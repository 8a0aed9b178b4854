using System.CommandLine;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Ota;

/// <summary><c>edgellm ota keygen --out PREFIX [--force]</c>: a new ECDSA P-256 signing key pair.</summary>
internal static class OtaKeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Path prefix: writes PREFIX.pem (private, PKCS#8) and PREFIX.pub.pem (public, SPKI)", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing key files" };
        var command = new Command("keygen", "Make an ECDSA P-256 key pair for signing manifests.") { output, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            try
            {
                var (privatePath, publicPath) = await OtaKeyPair.Generate()
                    .WriteAsync(parse.GetRequiredValue(output), parse.GetValue(force), cancellationToken).ConfigureAwait(false);
                await console.Output.WriteLineAsync($"private key: {privatePath} (keep it secret; it signs manifests)").ConfigureAwait(false);
                await console.Output.WriteLineAsync($"public key:  {publicPath} (install it in EdgeLLM:Ota:TrustedKeysDir on devices)").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await OtaCliErrors.FailAsync(console, e.Message).ConfigureAwait(false);
            }
        });
        return command;
    }
}
