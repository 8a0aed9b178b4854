using EdgeLLM.Tokenizers.Tiktoken;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// What loading one tokenizer costs, on one path per process (resident memory does not shrink back, so the two paths
/// are measured in separate runs): the live managed heap after full collections, the process's resident memory, and
/// the bytes allocated while loading, each before and after, with the tokenizer kept alive.
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- tokenizer-memory NAME [own|package]
/// </summary>
internal static class TokenizerMemory
{
    public static int Run(string[] args)
    {
        var name = args.Length > 0 ? args[0] : "qwen2_5";
        var package = args.Length > 1 && args[1] == "package";
        var directory = Paths.TokenizerDirectory(name);
        var heapBefore = Settle();
        var rssBefore = Rss();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var tokenizer = PackageLoading.FromDirectory(directory, allowPackage: package);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var heapAfter = Settle();
        var rssAfter = Rss();
        Console.WriteLine($"{name} ({(tokenizer.UsesExternalBackend ? "Microsoft.ML.Tokenizers" : "own tables")}): live heap +{Mib(heapAfter - heapBefore)} MiB, "
            + $"RSS {Mib(rssBefore)} -> {Mib(rssAfter)} MiB (+{Mib(rssAfter - rssBefore)}), allocated while loading {Mib(allocated)} MiB, "
            + $"GC committed {Mib(GC.GetGCMemoryInfo().TotalCommittedBytes)} MiB");
        GC.KeepAlive(tokenizer);
        return 0;
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
