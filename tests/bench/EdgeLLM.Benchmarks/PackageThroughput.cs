using EdgeLLM.Tokenizers.Tiktoken;
using System.Diagnostics;
using System.Text;
using EdgeLLM.Benchmarks.Package;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// EdgeLLM's own BPE and Microsoft.ML.Tokenizers (through EdgeLLM's Tokenizer) timed in alternating rounds
/// over the whole corpus, so load from other processes on a shared machine hits both sides alike; prints the
/// median MB/s of each and the median of the per-round ratios. BenchmarkDotNet's PackageTokenizerBenchmarks
/// measures the same operations one after the other.
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- package-throughput [ROUNDS] [NAME ...]
/// </summary>
internal static class PackageThroughput
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 21;
        var names = args.Length > 1 ? args[1..] : ["gpt2", "llama3", "llama3_2", "qwen3", "qwen2_5", "iot-assist"];
        var corpus = PackageConformance.LoadCorpus(Path.Combine(Paths.RepoRoot, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance"));
        var megabytes = corpus.Sum(s => (long)Encoding.UTF8.GetByteCount(s)) / 1e6;
        Console.WriteLine($"{corpus.Length} strings, {megabytes:F3} MB, {rounds} alternating rounds, median MB/s (own | package | package/own)");
        foreach (var name in names)
        {
            var dir = Paths.TokenizerDirectory(name);
            var own = PackageLoading.FromDirectory(dir, allowPackage: false);
            var package = PackageLoading.FromDirectory(dir, allowPackage: true);
            var ids = corpus.Select(s => own.Encode(s, addSpecialTokens: false)).ToArray();
            var encode = Alternate(rounds, () => Encode(own, corpus), () => Encode(package, corpus));
            var decode = Alternate(rounds, () => Decode(own, ids), () => Decode(package, ids));
            Console.WriteLine($"{name,-11} encode {megabytes / encode.Own,7:F2} | {megabytes / encode.Package,7:F2} | {encode.Ratio,5:F2}x   "
                + $"decode {megabytes / decode.Own,7:F2} | {megabytes / decode.Package,7:F2} | {decode.Ratio,5:F2}x   package used: {package.UsesExternalBackend}");
        }
        return 0;
    }

    private static void Encode(Tokenizer tokenizer, string[] corpus)
    {
        foreach (var s in corpus)
        {
            tokenizer.Encode(s, addSpecialTokens: false);
        }
    }

    private static void Decode(Tokenizer tokenizer, int[][] ids)
    {
        foreach (var i in ids)
        {
            tokenizer.Decode(i, skipSpecialTokens: false);
        }
    }

    /// <summary>Median seconds of each side and the median of own/package per round (above 1: the package is faster).</summary>
    private static (double Own, double Package, double Ratio) Alternate(int rounds, Action own, Action package)
    {
        // Warm both (word caches, tiered JIT) before timing.
        for (var w = 0; w < 3; w++)
        {
            own();
            package();
        }
        var ownTimes = new double[rounds];
        var packageTimes = new double[rounds];
        var ratios = new double[rounds];
        for (var i = 0; i < rounds; i++)
        {
            // Alternate which side goes first, so neither always follows the other's garbage.
            var ownFirst = i % 2 == 0;
            if (ownFirst)
            {
                ownTimes[i] = Seconds(own);
            }
            packageTimes[i] = Seconds(package);
            if (!ownFirst)
            {
                ownTimes[i] = Seconds(own);
            }
            ratios[i] = ownTimes[i] / packageTimes[i];
        }
        return (Median(ownTimes), Median(packageTimes), Median(ratios));
    }

    private static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
