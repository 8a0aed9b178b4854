using EdgeLLM.Tokenizers.Tiktoken;
using System.Diagnostics;
using EdgeLLM.Benchmarks.Package;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// Which Microsoft.ML.Tokenizers classes can be built from each conformance tokenizer's files, how long that
/// takes (the Tiktoken row is EdgeLLM's production load: its own tables plus the package's), and how many corpus
/// strings each disagrees on with the transformers.js references (with one example of each kind).
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- package-conformance [NAME ...]
/// </summary>
internal static class PackageComparison
{
    public static readonly string[] Names = ["gpt2", "llama3", "llama3_2", "qwen3", "qwen2_5", "iot-assist", "llama2", "gemma2", "gemma3"];

    public static int Run(string[] args)
    {
        var conformance = Path.Combine(Paths.RepoRoot, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance");
        foreach (var name in args.Length > 0 ? args : Names)
        {
            var dir = Paths.TokenizerDirectory(name);
            var ownWatch = Stopwatch.StartNew();
            PackageLoading.FromDirectory(dir, allowPackage: false);
            Console.WriteLine($"{name}: EdgeLLM's own BPE loads in {ownWatch.Elapsed.TotalMilliseconds:F0} ms");
            var candidates = PackageTokenizer.Candidates(dir);
            if (candidates.Count == 0)
            {
                Console.WriteLine($"{name}: no package class can be built from tokenizer.json ({PackageTokenizer.WhyNot(dir)})");
                continue;
            }
            foreach (var api in candidates)
            {
                var watch = Stopwatch.StartNew();
                PackageTokenizer tokenizer;
                try
                {
                    tokenizer = PackageTokenizer.Create(dir, api);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or NotSupportedException or InvalidDataException)
                {
                    Console.WriteLine($"{name} {api}: cannot be built: {e.GetType().Name}: {e.Message}");
                    continue;
                }
                var load = watch.Elapsed.TotalMilliseconds;
                var r = PackageConformance.Run(tokenizer, conformance, name);
                Console.WriteLine($"{name} {api}: built in {load:F0} ms; {r.MismatchingStrings}/{r.Total} strings differ (encode {r.EncodeMismatches}, decode {r.DecodeMismatches})");
                foreach (var (kind, example) in r.Examples)
                {
                    Console.WriteLine($"    {kind}: {example}");
                }
            }
        }
        return 0;
    }
}
