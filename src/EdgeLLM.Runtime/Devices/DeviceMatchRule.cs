namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// One detection rule. Every condition that is given must hold; inside a list, one entry is enough, except for
/// <see cref="FilesAll"/> and <see cref="CpuFlags"/>, where every entry must hold. Paths are absolute as on the
/// device and are resolved under the detector's filesystem root.
/// </summary>
public sealed record DeviceMatchRule
{
    /// <summary>Substrings of <c>/proc/device-tree/model</c> (e.g. <c>Raspberry Pi 5</c>); one must occur.</summary>
    public IReadOnlyList<string> DeviceTreeModel { get; set; } = [];

    /// <summary>Files that must all exist (e.g. <c>/etc/nv_tegra_release</c>).</summary>
    public IReadOnlyList<string> FilesAll { get; set; } = [];

    /// <summary>Files of which one must exist; the last path segment may hold <c>*</c> (e.g. <c>/dev/fastrpc-*</c>).</summary>
    public IReadOnlyList<string> FilesAny { get; set; } = [];

    /// <summary><c>vendor_id</c> values of <c>/proc/cpuinfo</c> (<c>GenuineIntel</c>, <c>AuthenticAMD</c>); one must match.</summary>
    public IReadOnlyList<string> CpuVendor { get; set; } = [];

    /// <summary>CPU flags (x86 <c>flags</c> or Arm <c>Features</c>) that must all be present.</summary>
    public IReadOnlyList<string> CpuFlags { get; set; } = [];

    /// <summary>Substrings of the SoC description in <c>/sys/devices/soc0/{family,machine,soc_id}</c>; one must occur.</summary>
    public IReadOnlyList<string> Soc { get; set; } = [];
}
