namespace EdgeLLM.Runtime.Devices;

/// <summary>What the detector reads once from the host: device-tree model, CPU vendor and flags, the SoC description.</summary>
internal sealed record DeviceFacts(string? Model, string? CpuVendor, IReadOnlySet<string> CpuFlags, string? Soc)
{
    private static readonly string[] SocFields = ["family", "machine", "soc_id"];

    public static DeviceFacts Read(string root)
    {
        var model = HostPath.ReadText(HostPath.Resolve(root, "/proc/device-tree/model"))
            ?? HostPath.ReadText(HostPath.Resolve(root, "/sys/firmware/devicetree/base/model"));
        string? vendor = null;
        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (HostPath.ReadText(HostPath.Resolve(root, "/proc/cpuinfo")) is { } cpuinfo)
        {
            foreach (var line in cpuinfo.Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon < 0)
                {
                    continue;
                }
                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (key == "vendor_id" && vendor is null)
                {
                    vendor = value;
                }
                else if (key is "flags" or "Features")
                {
                    // x86 says "flags", Arm says "Features"; every core repeats them, the first is enough.
                    if (flags.Count == 0)
                    {
                        flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    }
                }
                else if (key == "CPU implementer" && vendor is null)
                {
                    vendor = value == "0x41" ? "ARM" : value == "0x51" ? "Qualcomm" : value;
                }
            }
        }
        var socParts = SocFields
            .Select(f => HostPath.ReadText(HostPath.Resolve(root, $"/sys/devices/soc0/{f}")))
            .Where(s => !string.IsNullOrEmpty(s));
        var soc = string.Join(" ", socParts);
        return new DeviceFacts(model, vendor, flags, soc.Length == 0 ? null : soc);
    }
}
