
namespace EdgeLLM.Ota.Device;

/// <summary>What the updater needs to know about the device it runs on.</summary>
/// <param name="DeviceId">The device id (<c>EdgeLLM:DeviceId</c>), input of the rollout hash.</param>
/// <param name="StateDirectory">The state directory (<c>EdgeLLM:StateDir</c>); OTA keeps <c>models/</c> and <c>ota/</c> in it.</param>
/// <param name="RuntimeVersion">This EdgeLLM's version, compared with manifests' <c>min_runtime</c>.</param>
/// <param name="DefaultModel">The model served when OTA has installed none (the embedded default), or null when unknown.</param>
public sealed record OtaDeviceContext(string DeviceId, string StateDirectory, string RuntimeVersion, OtaInstalledModel? DefaultModel)
{
    /// <summary>EdgeLLM's version from the assembly's informational version, without build metadata.</summary>
    public static string CurrentRuntimeVersion
    {
        get
        {
            var version = typeof(OtaDeviceContext).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
                .FirstOrDefault()?.InformationalVersion ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }
}
