namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// Picks the device profile whose <see cref="DeviceMatch"/> rules fit the host, reading everything under a
/// filesystem root (<c>/</c> in production, a fixture tree in tests). Nothing about devices is coded here:
/// the rules are the profiles' data. With no match it falls back to <see cref="DeviceProfileCatalog.FallbackId"/>.
/// </summary>
public sealed class DeviceDetector
{
    private readonly DeviceProfileCatalog _catalog;
    private readonly string _root;

    /// <summary>Creates a detector over <paramref name="catalog"/> reading the host under <paramref name="root"/>.</summary>
    public DeviceDetector(DeviceProfileCatalog catalog, string root = "/")
    {
        _catalog = catalog;
        _root = root;
    }

    /// <summary>
    /// The profile to use: <paramref name="configured"/> (an id or a path; <c>EdgeLLM:Device</c>) when given,
    /// else the best match, else the fallback.
    /// </summary>
    public DeviceDetection Detect(string? configured = null)
    {
        var findings = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured) && configured != "auto")
        {
            var chosen = _catalog.Get(configured);
            findings.Add($"profile '{chosen.Id}' configured (EdgeLLM:Device = {configured}); detection skipped");
            return new DeviceDetection(chosen, findings);
        }
        var facts = DeviceFacts.Read(_root);
        findings.Add(facts.Model is { } m ? $"device-tree model: {m}" : "no device-tree model (/proc/device-tree/model)");
        findings.Add($"CPU vendor: {facts.CpuVendor ?? "unknown"}, {facts.CpuFlags.Count} CPU flags");
        if (facts.Soc is { } soc)
        {
            findings.Add($"SoC: {soc}");
        }
        DeviceProfile? best = null;
        foreach (var profile in _catalog.Profiles)
        {
            for (var i = 0; i < profile.Match.Rules.Count; i++)
            {
                if (Matches(profile.Match.Rules[i], facts, out var why))
                {
                    findings.Add($"'{profile.Id}' matches (rule {i + 1}: {why})");
                    if (best is null || profile.Match.Priority > best.Match.Priority)
                    {
                        best = profile;
                    }
                    break;
                }
            }
        }
        if (best is not null)
        {
            findings.Add($"selected '{best.Id}' (priority {best.Match.Priority})");
            return new DeviceDetection(best, findings);
        }
        findings.Add($"no profile's rules match; falling back to '{DeviceProfileCatalog.FallbackId}'");
        return new DeviceDetection(_catalog.Get(DeviceProfileCatalog.FallbackId), findings);
    }

    private bool Matches(DeviceMatchRule rule, DeviceFacts facts, out string why)
    {
        var reasons = new List<string>();
        why = "";
        if (rule.DeviceTreeModel.Count > 0)
        {
            var hit = rule.DeviceTreeModel.FirstOrDefault(s => facts.Model?.Contains(s, StringComparison.OrdinalIgnoreCase) == true);
            if (hit is null)
            {
                return false;
            }
            reasons.Add($"model contains '{hit}'");
        }
        foreach (var file in rule.FilesAll)
        {
            if (!HostPath.Exists(_root, file))
            {
                return false;
            }
            reasons.Add($"{file} exists");
        }
        if (rule.FilesAny.Count > 0)
        {
            var hit = rule.FilesAny.FirstOrDefault(f => HostPath.Exists(_root, f));
            if (hit is null)
            {
                return false;
            }
            reasons.Add($"{hit} exists");
        }
        if (rule.CpuVendor.Count > 0)
        {
            if (!rule.CpuVendor.Any(v => string.Equals(v, facts.CpuVendor, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
            reasons.Add($"CPU vendor {facts.CpuVendor}");
        }
        if (rule.CpuFlags.Count > 0)
        {
            if (!rule.CpuFlags.All(facts.CpuFlags.Contains))
            {
                return false;
            }
            reasons.Add($"CPU flags {string.Join(" ", rule.CpuFlags)}");
        }
        if (rule.Soc.Count > 0)
        {
            var hit = rule.Soc.FirstOrDefault(s => facts.Soc?.Contains(s, StringComparison.OrdinalIgnoreCase) == true);
            if (hit is null)
            {
                return false;
            }
            reasons.Add($"SoC contains '{hit}'");
        }
        why = string.Join(", ", reasons);
        return reasons.Count > 0;
    }
}
