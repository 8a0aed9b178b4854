namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// Picks the profile for the hardware: device-tree model (Raspberry Pi, Jetson, Snapdragon boards),
/// <c>/etc/nv_tegra_release</c>, the CPU vendor and accelerator device nodes. Paths are read under a root so tests
/// use fixture trees. The most specific match wins; nothing matching means <c>generic-cpu</c>.
/// </summary>
public sealed class DeviceDetector(string root = "/")
{
    public DeviceDetection Detect(DeviceProfileCatalog catalog)
    {
        var findings = new List<string>();
        var model = ReadText("proc/device-tree/model") ?? ReadText("sys/firmware/devicetree/base/model");
        findings.Add(model is null ? "no device-tree model" : $"device-tree model: {model}");
        var tegra = File.Exists(Under("etc/nv_tegra_release"));
        findings.Add(tegra ? "/etc/nv_tegra_release present (NVIDIA Jetson)" : "no /etc/nv_tegra_release");
        var vendor = CpuVendor();
        findings.Add(vendor is null ? "CPU vendor unknown" : $"CPU vendor: {vendor}");
        DeviceProfile? best = null;
        var bestScore = 0;
        foreach (var profile in catalog.Profiles)
        {
            var score = Score(profile.Match, model, tegra, vendor, findings);
            if (score > bestScore)
            {
                (best, bestScore) = (profile, score);
            }
        }
        best ??= catalog.Get(DeviceProfileCatalog.Fallback);
        findings.Add(bestScore == 0 ? $"nothing specific matched: {best.Id}" : $"matched {best.Id}");
        return new DeviceDetection(best, findings);
    }

    private int Score(DeviceMatch match, string? model, bool tegra, string? vendor, List<string> findings)
    {
        var score = 0;
        if (match.NvTegraRelease)
        {
            if (!tegra)
            {
                return 0;
            }
            score += 2;
        }
        if (match.DeviceTreeModel.Count > 0)
        {
            if (model is not null && match.DeviceTreeModel.Any(m => model.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                score += 4;
            }
            else if (match.PathsAny.Count == 0)
            {
                return 0;
            }
        }
        if (match.CpuVendor.Count > 0)
        {
            if (vendor is null || !match.CpuVendor.Contains(vendor))
            {
                return 0;
            }
            score += 1;
        }
        if (match.PathsAny.Count > 0)
        {
            var found = match.PathsAny.FirstOrDefault(p => File.Exists(Under(p.TrimStart('/'))) || Directory.Exists(Under(p.TrimStart('/'))));
            if (found is null)
            {
                return score >= 4 ? score : 0;
            }
            findings.Add($"{found} present");
            score += 3;
        }
        return score;
    }

    private string? CpuVendor()
    {
        var cpuinfo = ReadText("proc/cpuinfo");
        var line = cpuinfo?.Split('\n').FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }

    private string Under(string relative) => Path.Combine(root, relative);

    private string? ReadText(string relative)
    {
        try
        {
            var path = Under(relative);
            return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\0', '\n', ' ') : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>The chosen profile and what the detector saw (for <c>edgellm doctor</c> and the start-up log).</summary>
public sealed record DeviceDetection(DeviceProfile Profile, IReadOnlyList<string> Findings);
