using System.CommandLine;
using System.Security.Cryptography;
using EdgeLLM.Service.Ota;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// <c>edgellm ota verify MANIFEST --key PUBLIC.pem|DIR [--bundle FILE]</c>: checks the manifest as a device would
/// (every field, the signature against the key or every <c>*.pem</c> of a directory) and, when given, the bundle's
/// size and SHA-256. Exit code 0 when it verifies, 1 with the reason otherwise.
/// </summary>
internal static class OtaVerifyCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "The signed manifest JSON file" };
        var key = new Option<string>("--key") { Description = "Public key PEM, or a directory of them (like a device's trusted-keys)", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "Also check this bundle file's size and SHA-256 against the manifest" };
        var command = new Command("verify", "Verify a manifest's signature (DER or IEEE P1363) and fields, and optionally its bundle.")
        {
            manifest, key, bundle,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            OtaManifest parsed;
            try
            {
                parsed = OtaManifest.Parse(await File.ReadAllBytesAsync(parse.GetRequiredValue(manifest), cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is OtaManifestException or IOException or UnauthorizedAccessException)
            {
                return await OtaCliErrors.FailAsync(console, $"not verified: {e.Message}").ConfigureAwait(false);
            }

            var keyPath = parse.GetRequiredValue(key);
            OtaSignatureVerification verification;
            try
            {
                using var keys = Directory.Exists(keyPath)
                    ? OtaTrustedKeySet.LoadDirectory(keyPath)
                    : new OtaTrustedKeySet([OtaTrustedKey.FromPemFile(keyPath)], source: keyPath);
                verification = OtaSignatureVerifier.Verify(parsed, keys);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                return await OtaCliErrors.FailAsync(console, $"not verified: {e.Message}").ConfigureAwait(false);
            }

            if (!verification.IsValid)
            {
                return await OtaCliErrors.FailAsync(console, $"not verified: {verification.Reason}").ConfigureAwait(false);
            }

            if (parse.GetValue(bundle) is { } bundlePath)
            {
                var (size, sha256) = await OtaBundlePacker.HashFileAsync(bundlePath, cancellationToken).ConfigureAwait(false);
                if (size != parsed.Size || sha256 != parsed.Sha256)
                {
                    return await OtaCliErrors.FailAsync(console,
                        $"not verified: {bundlePath} is {size} bytes with SHA-256 {sha256}; the manifest says {parsed.Size} bytes, {parsed.Sha256}").ConfigureAwait(false);
                }
            }

            await console.Output.WriteLineAsync($"verified: {parsed} ({verification.Reason})").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
