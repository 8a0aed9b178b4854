using System.Globalization;
using EdgeLLM.Cli.Models;
using Spectre.Console;

namespace EdgeLLM.Cli.Bench;

/// <summary>Prints a <see cref="BenchReport"/> as Spectre.Console tables.</summary>
internal static class BenchTable
{
    public static void Write(IAnsiConsole console, BenchReport r)
    {
        console.WriteLine($"{r.Model}{(r.RandomWeights ? " (random weights)" : "")} ({r.ModelDirectory}) on {r.ExecutionProvider}, threads {(r.Threads == 0 ? "ORT default" : r.Threads.ToString(CultureInfo.InvariantCulture))}; " +
                          $"prompt {r.Single.PromptTokens} tokens, {r.Single.GeneratedTokens} generated");
        var single = new Table().AddColumns("runtime", "load ms", "TTFT ms", "prefill tok/s", "decode tok/s", "total ms", "peak RSS", "decode outside ORT Run");
        AddSingle(single, r.Single);
        if (r.Peer?.Peer is { } peer)
        {
            AddSingle(single, peer);
        }
        if (r.LlamaCpp?.Peer is { } llama)
        {
            AddSingle(single, llama);
        }
        console.Write(single);
        if (r.Peer is { } p)
        {
            if (p.Peer is { } pp)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"EdgeLLM / transformers.js: decode {r.PeerDecodeRatio:F2}x, prefill {Ratio(r.Single.PrefillTokensPerSecond, pp.PrefillTokensPerSecond)}, TTFT {Ratio(pp.TtftMs, r.Single.TtftMs)} faster; first {p.MatchingTokens} generated tokens identical"));
            }
            else
            {
                console.WriteLine($"transformers.js: not run: {p.Error}");
            }
        }
        if (r.LlamaCpp is { } l)
        {
            console.WriteLine(l.Peer is { } lp
                ? string.Create(CultureInfo.InvariantCulture, $"EdgeLLM / llama.cpp Q4_0: decode {r.LlamaCppDecodeRatio:F2}x, prefill {Ratio(r.Single.PrefillTokensPerSecond, lp.PrefillTokensPerSecond)}, TTFT {Ratio(lp.TtftMs, r.Single.TtftMs)} faster")
                : $"llama.cpp: not run: {l.Error}");
        }
        if (r.Memory is { } m)
        {
            console.WriteLine($"memory: peak RSS {DiskSize.Format(m.PeakRssBytes)} = weights {DiskSize.Format(m.WeightBytes)} + KV cache {DiskSize.Format(m.KvCacheBytes)} + {DiskSize.Format(m.OverheadBytes)} more");
        }
        if (r.Roofline is { } roof)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"roofline: decode reads {DiskSize.Format(roof.DecodeWeightBytesPerToken)} of weights per token, {roof.DecodeBytesPerSecond / 1e9:F2} GB/s at {r.Single.DecodeTokensPerSecond:F1} tok/s = {roof.Share:P1} of this machine's {roof.TriadBytesPerSecond / 1e9:F2} GB/s (STREAM triad)"));
        }
        if (r.Concurrency.Count > 0)
        {
            if (r.StaggerMs > 0)
            {
                console.WriteLine($"streams arrive {r.StaggerMs} ms apart");
            }
            var table = new Table().AddColumns("streams", "aggregate tok/s", "per-stream tok/s", "latency p50 ms", "latency p95 ms", "mean batch", "step ms");
            foreach (var c in r.Concurrency)
            {
                table.AddRow(N(c.Streams), F(c.AggregateTokensPerSecond), F(c.PerStreamTokensPerSecond), F(c.LatencyP50Ms), F(c.LatencyP95Ms), F(c.MeanBatch, "F2"), F(c.MeanStepMs, "F3"));
            }
            console.Write(table);
            if (r.ScalingRatio is { } ratio)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregate {r.Concurrency.Max(c => c.Streams)} streams / 1 stream: {ratio:F2}x"));
            }
        }
    }

    private static void AddSingle(Table table, SingleStreamResult s) => table.AddRow(
        Markup.Escape(s.Runtime), F(s.LoadMs), F(s.TtftMs, "F2"), F(s.PrefillTokensPerSecond), F(s.DecodeTokensPerSecond), F(s.TotalMs),
        s.PeakRssBytes is { } rss ? DiskSize.Format(rss) : "-",
        s.OutsideOrtShare is { } o ? string.Create(CultureInfo.InvariantCulture, $"{o:P1} (in steps {s.StepOverheadShare:P1})") : "-");

    private static string Ratio(double a, double b) => b <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{a / b:F2}x");

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string N(int v) => v.ToString(CultureInfo.InvariantCulture);
}
