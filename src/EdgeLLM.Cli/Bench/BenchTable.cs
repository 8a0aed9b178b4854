using System.Globalization;
using EdgeLLM.Cli.Models;
using EdgeLLM.Serving.Loading;
using Spectre.Console;

namespace EdgeLLM.Cli.Bench;

/// <summary>Prints a <see cref="BenchReport"/> as Spectre.Console tables.</summary>
internal static class BenchTable
{
    public static void Write(IAnsiConsole console, BenchReport r)
    {
        console.WriteLine($"{r.Model}{(r.RandomWeights ? " (random weights)" : "")} ({r.ModelDirectory}) on {r.ExecutionProvider}, threads {(r.Threads == 0 ? "ORT default" : r.Threads.ToString(CultureInfo.InvariantCulture))}; " +
                          $"prompt {r.Single.PromptTokens} tokens, {r.Single.GeneratedTokens} generated; EdgeLLM logits {(r.SelectsLogitsPositions ? "only where read" : "at every position")}");
        if (r.PrepackedWeights is { } prepacked)
        {
            console.WriteLine($"EdgeLLM decoder: {prepacked}");
        }
        var single = new Table().AddColumns("runtime", "load ms", "TTFT ms", "prefill tok/s", "decode tok/s", "total ms", "peak RSS", "decode outside ORT Run");
        AddSingle(single, r.Single);
        if (r.Peer?.Peer is { } peer)
        {
            AddSingle(single, peer);
        }
        if (r.GenAi?.Single is { } genai)
        {
            AddSingle(single, genai);
        }
        if (r.LlamaCpp?.Peer is { } llama)
        {
            AddSingle(single, llama);
        }
        console.Write(Captioned(single, r));
        WriteInterleaved(console, r);
        if (r.GenAi is { } g)
        {
            console.WriteLine(g.Single is { } gs
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{r.Single.Runtime} / {gs.Runtime}: decode {r.GenAiDecodeRatio:F2}x, prefill {Ratio(r.Single.PrefillTokensPerSecond, gs.PrefillTokensPerSecond)}, TTFT {Ratio(gs.TtftMs, r.Single.TtftMs)} faster; first {g.MatchingTokens} generated tokens identical")
                : $"ONNX Runtime GenAI: not run: {g.Error}");
        }
        if (r.Peer is { } p)
        {
            if (p.Peer is { } pp)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Single.Runtime} / transformers.js: decode {r.PeerDecodeRatio:F2}x, prefill {Ratio(r.Single.PrefillTokensPerSecond, pp.PrefillTokensPerSecond)}, TTFT {Ratio(pp.TtftMs, r.Single.TtftMs)} faster; first {p.MatchingTokens} generated tokens identical"));
            }
            else
            {
                console.WriteLine($"transformers.js: not run: {p.Error}");
            }
        }
        if (r.LlamaCpp is { } l)
        {
            console.WriteLine(l.Peer is { } lp
                ? string.Create(CultureInfo.InvariantCulture, $"{r.Single.Runtime} / llama.cpp Q4_0: decode {r.LlamaCppDecodeRatio:F2}x, prefill {Ratio(r.Single.PrefillTokensPerSecond, lp.PrefillTokensPerSecond)}, TTFT {Ratio(lp.TtftMs, r.Single.TtftMs)} faster")
                : $"llama.cpp: not run: {l.Error}");
        }
        if (r.Memory is { } m)
        {
            console.WriteLine($"memory{RandomNote(r)}: peak RSS {DiskSize.Format(m.PeakRssBytes)} = weights {DiskSize.Format(m.WeightBytes)} + KV cache {DiskSize.Format(m.KvCacheBytes)} + {DiskSize.Format(m.OverheadBytes)} more; {DiskSize.Format(m.HugePagesBytes)} of it on huge pages");
            console.WriteLine(m.PeakReset
                ? $"memory{RandomNote(r)}: loading peaked at {DiskSize.Format(m.LoadPeakBytes)}, the runs at {DiskSize.Format(m.RunsPeakBytes)}"
                : $"memory{RandomNote(r)}: loading peaked at {DiskSize.Format(m.LoadPeakBytes)}; the runs' own peak is not known here (no /proc/self/clear_refs)");
            WriteFootprint(console, r, m);
        }
        if (r.Roofline is { } roof)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"roofline{RandomNote(r)}: decode reads {DiskSize.Format(roof.DecodeWeightBytesPerToken)} of weights per token, {roof.DecodeBytesPerSecond / 1e9:F2} GB/s at {r.Single.DecodeTokensPerSecond:F1} tok/s = {roof.Share:P1} of this machine's {roof.TriadBytesPerSecond / 1e9:F2} GB/s (STREAM triad)"));
        }
        if (r.Concurrency.Count > 0)
        {
            var table = new Table().AddColumns("runtime", "streams", "aggregate tok/s", "per-stream tok/s", "latency p50 ms", "latency p95 ms", "mean batch", "step ms", "aggregate ratio");
            foreach (var c in r.Concurrency)
            {
                AddLevel(table, r.Single.Runtime, c, "-");
            }
            foreach (var c in r.GenAi?.Concurrency ?? [])
            {
                var own = r.Concurrency.FirstOrDefault(o => o.Streams == c.Streams);
                AddLevel(table, r.GenAi!.Single!.Runtime, c, own is null ? "-" : Ratio(own.AggregateTokensPerSecond, c.AggregateTokensPerSecond));
            }
            console.Write(Captioned(table, r));
            if (r.ScalingRatio is { } ratio)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregate {r.Concurrency.Max(c => c.Streams)} streams / 1 stream{RandomNote(r)}: {ratio:F2}x"));
            }
        }
        WriteArrivals(console, r);
        if (r.Constrained is { } constrained)
        {
            WriteConstrained(console, constrained);
        }
    }

    /// <summary>
    /// The rounds: each runtime's median with its lowest and highest round, EdgeLLM's ratio over it, and the load average
    /// at every round's start and end; a run where the load exceeded the cores says its ratios are unreliable.
    /// </summary>
    private static void WriteInterleaved(IAnsiConsole console, BenchReport r)
    {
        if (r.Interleaved is not { Rounds.Count: > 1 } i)
        {
            return;
        }
        var loads = string.Join(", ", i.Rounds.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.LoadAtStart:F2}→{x.LoadAtEnd:F2}")));
        console.WriteLine($"{i.Rounds.Count} interleaved rounds; load average per round {loads}; {i.Cores} cores");
        var table = new Table().AddColumns("runtime", "rounds", "prefill tok/s median (min–max)", "decode tok/s median (min–max)", "TTFT ms median (min–max)", "EdgeLLM prefill ×", "EdgeLLM decode ×");
        foreach (var s in i.Runtimes)
        {
            table.AddRow(Markup.Escape(s.Runtime), N(s.Rounds), Spread(s.Prefill), Spread(s.Decode), Spread(s.Ttft),
                s.PrefillRatio is { } p ? F(p, "F2") : "-", s.DecodeRatio is { } d ? F(d, "F2") : "-");
        }
        console.Write(Captioned(table, r));
        foreach (var level in i.Levels.Where(l => l.Streams > 1))
        {
            console.WriteLine($"{Markup.Escape(level.Runtime)}, {level.Streams} streams: aggregate {Spread(level.Aggregate)} tok/s");
        }
        if (!i.Reliable)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"UNRELIABLE: the load average reached {i.MaxLoad:F2} on {i.Cores} cores; these ratios say nothing about the runtimes"));
        }
    }

    /// <summary>The footprint measured at load, one row per part, and what the runs took at their peak beside it.</summary>
    private static void WriteFootprint(IAnsiConsole console, BenchReport r, MemoryResult m)
    {
        var f = m.Footprint;
        var table = new Table().AddColumns("part", "bytes", "MiB", "what")
            .Caption(Markup.Escape($"footprint at {f.BatchSlots} {(f.BatchSlots == 1 ? "slot" : "slots")} of {f.SequenceLength} positions, measured from {f.MeasuredBy} at load{RandomNote(r)}"));
        AddPart(table, "runtime", f.RuntimeBytes, "the process before the model");
        AddPart(table, "sessions", f.SessionBytes, $"ONNX Runtime (weights files {ModelFootprint.MiB(f.WeightsFileBytes)})");
        AddPart(table, "tokenizer", f.TokenizerBytes, "managed tables, template, configuration");
        AddPart(table, "KV cache", f.KvReservedBytes, $"reserved; {ModelFootprint.MiB(f.KvResidentBytes)} resident after round 1");
        AddPart(table, "activations", f.ActivationBytes, "estimate at the batch");
        AddPart(table, "total", f.RequiredBytes, "what the memory budget must hold");
        AddPart(table, "runs at peak", m.RunPeakBytes, "measured: peak RSS beyond runtime, sessions and tokenizer");
        console.Write(table);
    }

    private static void AddPart(Table table, string part, long bytes, string what) => table.AddRow(
        Markup.Escape(part), bytes.ToString(CultureInfo.InvariantCulture), F(bytes / (double)(1 << 20), "F2"), Markup.Escape(what));

    private static string Spread(Spread s) => string.Create(CultureInfo.InvariantCulture, $"{s.Median:F1} ({s.Min:F1}–{s.Max:F1})");

    /// <summary>Every table of a <c>--synthetic</c> run says its figures come from random weights, so none is quoted
    /// as a trained model's.</summary>
    private static Table Captioned(Table table, BenchReport r) => r.RandomWeights ? table.Caption("random weights (synthetic bench model)") : table;

    private static string RandomNote(BenchReport r) => r.RandomWeights ? " (random weights)" : "";

    private static void AddLevel(Table table, string runtime, ConcurrencyLevelResult c, string ratio) => table.AddRow(
        Markup.Escape(runtime), N(c.Streams), F(c.AggregateTokensPerSecond), F(c.PerStreamTokensPerSecond), F(c.LatencyP50Ms), F(c.LatencyP95Ms), F(c.MeanBatch, "F2"), F(c.MeanStepMs, "F3"), ratio);

    private static void WriteArrivals(IAnsiConsole console, BenchReport r)
    {
        if (r.Arrivals is null)
        {
            return;
        }
        var table = new Table().AddColumns("runtime", "arrivals", "every ms", "first token p50 ms", "first token p95 ms", "first token max ms", "token gap p50 ms", "longest gap while admitting ms");
        foreach (var a in new[] { r.Arrivals, r.GenAi?.Arrivals })
        {
            if (a is not null)
            {
                table.AddRow(Markup.Escape(a.Runtime), N(a.Requests), F(a.IntervalMs), F(a.TtftP50Ms), F(a.TtftP95Ms), F(a.TtftMaxMs), F(a.TokenGapP50Ms), F(a.AdmissionGapMaxMs));
            }
        }
        console.Write(Captioned(table, r));
    }

    private static void WriteConstrained(IAnsiConsole console, ConstrainedResult c)
    {
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"schema {c.Schema}: {c.Answers} answers, mean {c.MeanTokens:F1} tokens; mask {c.MaskMsPerToken:F3} ms per constrained token, {c.MaskShareOfStep:P1} of a {c.StepMsPerToken:F2} ms decode step"));
        if (c.OtherTokenizer is not null)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"schema {c.Schema} over {Markup.Escape(c.OtherTokenizer)} ({c.OtherVocabSize} tokens, random logits): mask {c.OtherColdMaskMsPerToken:F3} ms per token cold, {c.OtherWarmMaskMsPerToken:F3} ms warm"));
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
