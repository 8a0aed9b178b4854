using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// Encode and decode throughput of EdgeLLM's tokenizer and of transformers.js on the same corpus and the same
/// tokenizer file, measured in one run, single-threaded on both sides.
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- tokenizer [NAME|DIR] [ROUNDS]
/// </summary>
internal static class TokenizerThroughput
{
    public static int Run(string[] args)
    {
        var repo = RepoRoot();
        var name = args.Length > 0 ? args[0] : "llama3";
        var rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
        var dir = Directory.Exists(name) ? name : name == "iot-assist" ? Path.Combine(repo, "models-distilled", "iot-assist") : Path.Combine(repo, ".cache", "tokenizers", name);
        var conformance = Path.Combine(repo, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance");
        var corpus = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(conformance, "corpus.json")))!;
        var bytes = corpus.Sum(s => Encoding.UTF8.GetByteCount(s));

        var tokenizer = Tokenizer.FromDirectory(dir);
        var encoded = corpus.Select(s => tokenizer.Encode(s, addSpecialTokens: false)).ToArray();
        var tokens = encoded.Sum(e => e.Length);
        // The word cache makes repeated text cheap on both sides; a freshly loaded tokenizer (load not timed)
        // shows the first pass over text it has not seen.
        var fresh = Tokenizer.FromDirectory(dir);
        var coldWatch = Stopwatch.StartNew();
        foreach (var s in corpus)
        {
            fresh.Encode(s, false);
        }
        var cold = coldWatch.Elapsed.TotalMilliseconds;
        var encodeMs = Time(() => { foreach (var s in corpus) tokenizer.Encode(s, false); }, rounds, out _);
        var decodeMs = Time(() => { foreach (var ids in encoded) tokenizer.Decode(ids, false); }, rounds, out _);

        Console.WriteLine($"tokenizer {Path.GetFileName(dir)}: {corpus.Length} strings, {bytes / 1024.0:F0} KiB, {tokens} tokens, {rounds} rounds");
        Console.WriteLine($"{"",-16}{"encode MB/s",14}{"encode tok/s",16}{"decode tok/s",16}");
        Report("EdgeLLM", bytes, tokens, rounds, encodeMs, decodeMs);
        Console.WriteLine($"{"EdgeLLM 1st pass",-16}{bytes / 1e6 / (cold / 1000),14:F2}{tokens / (cold / 1000),16:F0}{"",16}");

        var node = RunNode(conformance, dir, rounds);
        if (node is null)
        {
            Console.WriteLine("transformers.js: not run (install it: cd tests/EdgeLLM.Tokenizers.Tests/Conformance && npm install --ignore-scripts)");
            return 1;
        }
        var (nodeEncode, nodeDecode) = node.Value;
        Report("transformers.js", bytes, tokens, rounds, nodeEncode, nodeDecode);
        Console.WriteLine($"EdgeLLM / transformers.js: encode {nodeEncode / encodeMs:F1}x, decode {nodeDecode / decodeMs:F1}x");
        return 0;
    }

    private static void Report(string who, long bytes, long tokens, int rounds, double encodeMs, double decodeMs) =>
        Console.WriteLine($"{who,-16}{bytes * rounds / 1e6 / (encodeMs / 1000),14:F2}{tokens * rounds / (encodeMs / 1000),16:F0}{tokens * rounds / (decodeMs / 1000),16:F0}");

    private static double Time(Action action, int rounds, out double perRound)
    {
        action();
        var sw = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            action();
        }
        perRound = sw.Elapsed.TotalMilliseconds / rounds;
        return sw.Elapsed.TotalMilliseconds;
    }

    private static (double EncodeMs, double DecodeMs)? RunNode(string conformance, string dir, int rounds)
    {
        if (!Directory.Exists(Path.Combine(conformance, "node_modules", "@huggingface", "transformers")))
        {
            return null;
        }
        var psi = new ProcessStartInfo("node", [Path.Combine(conformance, "bench-transformersjs.mjs"), dir, rounds.ToString()])
        {
            RedirectStandardOutput = true,
            WorkingDirectory = conformance,
        };
        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        p.WaitForExit();
        using var doc = JsonDocument.Parse(line);
        return (doc.RootElement.GetProperty("encodeMs").GetDouble(), doc.RootElement.GetProperty("decodeMs").GetDouble());
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("EdgeLLM.sln not found");
    }
}
