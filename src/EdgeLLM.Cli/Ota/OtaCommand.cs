using System.CommandLine;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// The <c>edgellm ota</c> command group: operator tools for OTA model updates
/// (<c>keygen</c>, <c>pack</c>, <c>sign</c>, <c>verify</c>, <c>publish</c>), plus the hidden <c>device-sim</c> that applies a manifest
/// to a state directory the way a device does (used by the crash-safety tests).
/// </summary>
public static class OtaCommand
{
    /// <summary>Builds the <c>ota</c> command; add it to the root command.</summary>
    public static Command Create() => new("ota", "Fleet OTA model updates: make signing keys, pack, sign, verify and publish bundles.")
    {
        OtaKeygenCommand.Create(),
        OtaPackCommand.Create(),
        OtaSignCommand.Create(),
        OtaVerifyCommand.Create(),
        OtaPublishCommand.Create(),
        OtaDeviceSimCommand.Create(),
    };
}
