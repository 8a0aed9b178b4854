using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Device;

/// <summary>
/// Every reason to refuse a manifest before anything is downloaded, in the order a device should state them:
/// signature, runtime version, rollout, the version against the active one, an earlier rollback, the bundle size.
/// </summary>
/// <remarks>
/// Public so that the fleet simulator (<c>edgellm fleet simulate</c>) answers manifests with the device's own rules
/// rather than a copy of them.
/// </remarks>
public static class OtaPreflight
{
    /// <summary>Checks <paramref name="manifest"/> against this device and its <paramref name="journal"/>; throws nothing.</summary>
    internal static OtaPreflightResult Check(OtaManifest manifest, OtaOptions options, OtaDeviceContext device, OtaJournal journal, ILogger logger)
    {
        using var keys = OtaTrustedKeySet.LoadDirectory(options.TrustedKeysDir);
        return Check(manifest, keys, device, journal.Active, journal.WasRolledBack(manifest.Model, manifest.Version, manifest.Sha256), options.MaxBundleBytes, logger);
    }

    /// <summary>
    /// The checks of a device whose journal says <paramref name="active"/> serves (null or builtin: the device's default
    /// model) and <paramref name="previouslyRolledBack"/> whether this bundle was rolled back there; throws nothing.
    /// </summary>
    public static OtaPreflightResult Check(
        OtaManifest manifest, OtaTrustedKeySet keys, OtaDeviceContext device, OtaStateEntry? active, bool previouslyRolledBack, long maxBundleBytes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(device);
        var signature = OtaSignatureVerifier.Verify(manifest, keys);
        if (!signature.IsValid)
        {
            return OtaPreflightResult.Refuse(OtaErrorCode.BadSignature, signature.Reason);
        }

        OtaLog.SignatureVerified(logger, manifest.Model, manifest.Version, signature.Reason);
        if (manifest.MinRuntime is { } minRuntime && OtaVersion.Compare(device.RuntimeVersion, minRuntime) < 0)
        {
            return OtaPreflightResult.Refuse(OtaErrorCode.RuntimeTooOld, $"needs EdgeLLM {minRuntime} or newer, this is {device.RuntimeVersion}");
        }

        if (!RolloutSelector.Includes(manifest.Rollout, device.DeviceId))
        {
            return OtaPreflightResult.Refuse(OtaErrorCode.NotInRollout,
                $"device '{device.DeviceId}' is in bucket {RolloutSelector.Bucket(device.DeviceId, manifest.Rollout.Seed)}, not below the rollout's {manifest.Rollout.Percent}% (seed '{manifest.Rollout.Seed}'); nothing was downloaded");
        }

        var versionCheck = CheckVersion(manifest, device, active);
        if (versionCheck is not null)
        {
            return versionCheck;
        }

        if (previouslyRolledBack)
        {
            return OtaPreflightResult.Refuse(OtaErrorCode.PreviouslyRolledBack,
                $"{manifest} with this bundle was rolled back on this device before; publish a fixed bundle as a new version");
        }

        if (manifest.Size > maxBundleBytes)
        {
            return OtaPreflightResult.Refuse(OtaErrorCode.BundleTooLarge,
                $"the bundle is {manifest.Size} bytes, more than Ota:MaxBundleBytes = {maxBundleBytes}");
        }

        return OtaPreflightResult.Proceed;
    }

    /// <summary>Already active, a conflicting bundle under the active version, or a refused downgrade; null otherwise.</summary>
    private static OtaPreflightResult? CheckVersion(OtaManifest manifest, OtaDeviceContext device, OtaStateEntry? active)
    {
        var (activeModel, activeVersion, activeSha) = active is { Builtin: false }
            ? (active.Model, active.Version, active.Sha256)
            : (device.DefaultModel?.Model, device.DefaultModel?.Version, (string?)null);
        if (activeModel != manifest.Model || activeVersion is null)
        {
            return null;
        }

        var order = OtaVersion.Compare(manifest.Version, activeVersion);
        if (order == 0)
        {
            return activeSha is null || activeSha == manifest.Sha256
                ? OtaPreflightResult.Active
                : OtaPreflightResult.Refuse(OtaErrorCode.VersionConflict,
                    $"version {activeVersion} is active with bundle SHA-256 {activeSha}, the manifest's bundle is {manifest.Sha256}; give the new bundle a new version");
        }

        return order < 0 && !manifest.AllowDowngrade
            ? OtaPreflightResult.Refuse(OtaErrorCode.DowngradeRefused,
                $"{manifest.Version} is older than the active {activeVersion}; set \"allow_downgrade\": true to install it anyway")
            : null;
    }
}
