using System.CommandLine;
using EdgeLLM.Ota.Bundles;

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
            var check = await OtaManifestCheck.RunAsync(parse.GetRequiredValue(manifest), parse.GetRequiredValue(key), cancellationToken).ConfigureAwait(false);
            if (check.Manifest is not { } parsed)
            {
                return await OtaCliErrors.FailAsync(console, $"not verified: {check.Problem}").ConfigureAwait(false);
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

            await console.Output.WriteLineAsync($"verified: {parsed} ({check.Note})").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
