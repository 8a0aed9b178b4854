using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Ota;

/// <summary><c>edgellm ota sign MANIFEST --key PRIVATE.pem [--out FILE]</c>: writes the signature into the manifest.</summary>
internal static class OtaSignCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "The manifest JSON file" };
        var key = new Option<string>("--key") { Description = "Private key PEM (from ota keygen)", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the signed manifest here instead of replacing MANIFEST" };
        var command = new Command("sign", "Sign a manifest (ECDSA P-256 / SHA-256 over its canonical JSON; DER signature, base64).")
        {
            manifest, key, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            var manifestPath = parse.GetRequiredValue(manifest);
            var keyPath = parse.GetRequiredValue(key);
            try
            {
                using var privateKey = OtaKeys.LoadPrivateKey(await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false), keyPath);
                var signed = OtaSigner.Sign(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false), privateKey);
                var destination = Path.GetFullPath(parse.GetValue(output) ?? manifestPath);
                var temporary = destination + ".tmp";
                await File.WriteAllTextAsync(temporary, signed, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                File.Move(temporary, destination, overwrite: true);
                var parsed = OtaManifest.Parse(Encoding.UTF8.GetBytes(signed));
                await console.Output.WriteLineAsync($"signed {parsed} with {keyPath}: {destination}").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is OtaManifestException or CryptographicException or IOException or UnauthorizedAccessException)
            {
                return await OtaCliErrors.FailAsync(console, e.Message).ConfigureAwait(false);
            }
        });
        return command;
    }
}
