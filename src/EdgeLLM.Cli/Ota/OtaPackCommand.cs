using System.CommandLine;
using EdgeLLM.Ota.Bundles;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// <c>edgellm ota pack MODEL_DIR --out DIR [--model ID] [--version V] [--url URL] [--min-runtime X]
/// [--rollout-percent P] [--rollout-seed S] [--allow-downgrade] [--files-url BASE/] [--against PREVIOUS_DIR] [--with-draft]</c>: bundle and
/// unsigned manifest, with the files listed (and written alone) for delta downloads, and the saving against a previous version.
/// </summary>
internal static class OtaPackCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("MODEL_DIR") { Description = "Model directory in the GenAI layout (with genai_config.json)" };
        var output = new Option<string>("--out") { Description = "Directory for <model>-<version>.tar.gz and <model>-<version>.json", Required = true };
        var model = new Option<string?>("--model") { Description = "Model id (default: edgellm_model.json's id, else the directory name)" };
        var version = new Option<string?>("--version") { Description = "Model version (default: edgellm_model.json's version)" };
        var url = new Option<string?>("--url") { Description = "Download URL of the bundle, or a base URL ending in '/'" };
        var minRuntime = new Option<string?>("--min-runtime") { Description = "Oldest EdgeLLM version that may install it" };
        var percent = new Option<int?>("--rollout-percent") { Description = "Share of the fleet (0-100) that takes the update" };
        var seed = new Option<string?>("--rollout-seed") { Description = "Seed of the rollout hash (default: <model>-<version>)" };
        var downgrade = new Option<bool>("--allow-downgrade") { Description = "Let devices with a newer version install this one" };
        var filesUrl = new Option<string?>("--files-url") { Description = "Also publish each file alone under this base URL (ending in '/'); devices then download only what changed" };
        var withDraft = new Option<bool>("--with-draft") { Description = "Bundle the draft the model's edgellm_model.json names with it (in draft/)" };
        var against = new Option<string?>("--against") { Description = "A previous version's model directory: report what a device holding it downloads" };
        var command = new Command("pack", "Pack a model directory into an OTA bundle and write its unsigned manifest.")
        {
            directory, output, model, version, url, minRuntime, percent, seed, downgrade, filesUrl, against, withDraft,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            try
            {
                var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(parse.GetRequiredValue(directory), parse.GetRequiredValue(output))
                {
                    Model = parse.GetValue(model),
                    Version = parse.GetValue(version),
                    Url = parse.GetValue(url),
                    MinRuntime = parse.GetValue(minRuntime),
                    RolloutPercent = parse.GetValue(percent),
                    RolloutSeed = parse.GetValue(seed),
                    AllowDowngrade = parse.GetValue(downgrade),
                    FilesUrl = parse.GetValue(filesUrl),
                    Against = parse.GetValue(against),
                    IncludeDraft = parse.GetValue(withDraft),
                }, cancellationToken).ConfigureAwait(false);
                var manifest = packed.Manifest;
                await console.Output.WriteLineAsync($"bundle:   {packed.BundlePath} ({manifest.Size} bytes, {packed.FileCount} entries)").ConfigureAwait(false);
                await console.Output.WriteLineAsync($"sha256:   {manifest.Sha256}").ConfigureAwait(false);
                await console.Output.WriteLineAsync($"manifest: {packed.ManifestPath} ({manifest}, unsigned)").ConfigureAwait(false);
                if (packed.FilesDirectory is not null)
                {
                    await console.Output.WriteLineAsync($"files:    {packed.FilesDirectory} ({manifest.Files!.Count} files; publish them under {parse.GetValue(filesUrl)})").ConfigureAwait(false);
                }

                if (packed.Delta is { } delta)
                {
                    await console.Output.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"against:  {delta.Against}: {delta.ChangedFiles.Count} of {delta.FileCount} files changed ({string.Join(", ", delta.ChangedFiles)}); a device holding it downloads {delta.ChangedBytes} of {delta.TotalBytes} bytes{(packed.FilesDirectory is null ? " once packed with --files-url" : "")}, saving {delta.Saving:P1}")).ConfigureAwait(false);
                }

                if (manifest.Url is null)
                {
                    await console.Output.WriteLineAsync($"note: url is '{manifest.UrlText}'; set the bundle's absolute http(s) address before signing (or pack with --url)").ConfigureAwait(false);
                }

                return 0;
            }
            catch (Exception e) when (e is OtaPackException or IOException or UnauthorizedAccessException)
            {
                return await OtaCliErrors.FailAsync(console, e.Message).ConfigureAwait(false);
            }
        });
        return command;
    }
}
