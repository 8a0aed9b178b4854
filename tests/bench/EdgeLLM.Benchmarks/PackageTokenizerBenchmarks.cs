using EdgeLLM.Tokenizers.Tiktoken;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EdgeLLM.Tokenizers;
using EdgeLLM.Benchmarks.Package;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// EdgeLLM's own BPE against Microsoft.ML.Tokenizers' TiktokenTokenizer (the class that passed the conformance
/// corpus), both through EdgeLLM's Tokenizer API on the whole corpus, single-threaded: one operation encodes,
/// or decodes, every string once, with warm word caches.
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- --filter '*PackageTokenizerBenchmarks*'
/// </summary>
[Config(typeof(ThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class PackageTokenizerBenchmarks
{
    private string[] _corpus = [];
    private int[][] _ids = [];
    private Tokenizer _edge = null!;
    private Tokenizer _package = null!;

    [Params("gpt2", "llama3", "llama3_2", "qwen3", "qwen2_5", "iot-assist")]
    public string Name { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Paths.TokenizerDirectory(Name);
        _corpus = PackageConformance.LoadCorpus(Path.Combine(Paths.RepoRoot, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance"));
        _edge = PackageLoading.FromDirectory(dir, allowPackage: false);
        _package = PackageLoading.FromDirectory(dir, allowPackage: true);
        if (!_package.UsesExternalBackend)
        {
            throw new InvalidOperationException($"{Name}: EdgeLLM does not hand this file to the package");
        }
        _ids = [.. _corpus.Select(s => _edge.Encode(s, addSpecialTokens: false))];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("encode")]
    public int EdgeLLMEncode()
    {
        var n = 0;
        foreach (var s in _corpus)
        {
            n += _edge.Encode(s, addSpecialTokens: false).Length;
        }
        return n;
    }

    [Benchmark, BenchmarkCategory("encode")]
    public int PackageEncode()
    {
        var n = 0;
        foreach (var s in _corpus)
        {
            n += _package.Encode(s, addSpecialTokens: false).Length;
        }
        return n;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("decode")]
    public int EdgeLLMDecode()
    {
        var n = 0;
        foreach (var ids in _ids)
        {
            n += _edge.Decode(ids, skipSpecialTokens: false).Length;
        }
        return n;
    }

    [Benchmark, BenchmarkCategory("decode")]
    public int PackageDecode()
    {
        var n = 0;
        foreach (var ids in _ids)
        {
            n += _package.Decode(ids, skipSpecialTokens: false).Length;
        }
        return n;
    }
}
