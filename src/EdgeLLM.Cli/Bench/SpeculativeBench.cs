using System.Globalization;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using Spectre.Console;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// Speculative decoding against plain decoding on one model, one stream, greedy: two engines on the same loaded
/// model, rounds alternating between them so load on a shared machine hits both alike. A model with smoke.json is
/// measured on its own task (those prompts, each to its natural end); any other on the bench prompt for
/// <c>--gen-tokens</c> tokens.
/// </summary>
internal static class SpeculativeBench
{
    public static async Task<SpeculativeResult> RunAsync(string modelDirectory, string? draftDirectory, bool promptLookup, int maxDraftTokens,
        BenchSettings settings, TextWriter progress, CancellationToken cancellationToken)
    {
        var smoke = Path.Combine(modelDirectory, "smoke.json");
        var useSmoke = File.Exists(smoke);
        var plan = CliModelLoader.Plan(ExecutorKind.EdgeLLM, settings.Threads, useSmoke ? 0 : settings.PromptTokens + settings.GenTokens);
        using var model = LoadOrExplain(() => LanguageModel.Load(modelDirectory, plan.LoadOptions, CliModelLoader.StderrLogs), "model");
        var draft = draftDirectory is null ? null
            : LoadOrExplain(() => DraftPairing.LoadDraft(model, Path.GetFullPath(draftDirectory), CliModelLoader.StderrLogs), "draft");
        using var ownedDraft = draft;
        var requests = useSmoke ? SmokeRequests(smoke) : [BenchRequest(model, settings)];
        var options = new EngineOptions { MaxBatchSize = 1, PrefixCacheBytes = 0 };
        await using var plain = InferenceEngine.Started(model, options);
        await using var speculative = InferenceEngine.Started(model, options with
        {
            Speculative = new SpeculativeOptions
            {
                Draft = draft,
                PromptLookup = draft is null && promptLookup,
                MaxDraftTokens = maxDraftTokens,
                InitialDraftTokens = Math.Min(maxDraftTokens, new SpeculativeOptions().InitialDraftTokens),
            },
        });
        var name = draft?.Identity.Id ?? "prompt lookup";
        await progress.WriteLineAsync($"bench: {model.Identity.Id} with and without {name}, {requests.Count} prompt(s) per round...").ConfigureAwait(false);
        for (var i = 0; i < settings.Warmup; i++)
        {
            await RoundAsync(plain, requests, cancellationToken).ConfigureAwait(false);
            await RoundAsync(speculative, requests, cancellationToken).ConfigureAwait(false);
        }
        var before = speculative.GetStats();
        var plainSpeeds = new List<double>();
        var specSpeeds = new List<double>();
        var identical = true;
        var generated = 0;
        for (var r = 0; r < Math.Max(1, settings.Runs); r++)
        {
            var (plainSpeed, plainIds) = await RoundAsync(plain, requests, cancellationToken).ConfigureAwait(false);
            var (specSpeed, specIds) = await RoundAsync(speculative, requests, cancellationToken).ConfigureAwait(false);
            plainSpeeds.Add(plainSpeed);
            specSpeeds.Add(specSpeed);
            generated = plainIds.Sum(ids => ids.Count);
            for (var i = 0; i < plainIds.Count; i++)
            {
                identical &= plainIds[i].SequenceEqual(specIds[i]);
            }
        }
        var after = speculative.GetStats();
        var drafted = after.DraftedTokens - before.DraftedTokens;
        var accepted = after.AcceptedDraftTokens - before.AcceptedDraftTokens;
        var verifies = after.VerifySteps - before.VerifySteps;
        var stepMs = (after.DecodeStepTime - before.DecodeStepTime).TotalMilliseconds;
        var targetMs = (after.DecodeOrtRunTime - before.DecodeOrtRunTime).TotalMilliseconds;
        return new SpeculativeResult
        {
            Model = model.Identity.Id,
            Draft = name,
            Prompts = requests.Count,
            GeneratedTokens = generated,
            DecodeTokensPerSecond = Stats.Median(plainSpeeds),
            SpeculativeDecodeTokensPerSecond = Stats.Median(specSpeeds),
            AcceptanceRate = drafted == 0 ? 0 : (double)accepted / drafted,
            MeanAcceptedLength = verifies == 0 ? 0 : (double)accepted / verifies,
            DraftedTokens = drafted,
            AcceptedTokens = accepted,
            Identical = identical,
            TargetRunShare = stepMs <= 0 ? 0 : Math.Clamp(targetMs / stepMs, 0, 1),
            LoadAverage = Bench.LoadAverage.Read(),
        };
    }

    public static void Write(IAnsiConsole console, SpeculativeResult r)
    {
        var table = new Table().AddColumns("model", "draft", "decode tok/s", "with draft tok/s", "speed-up", "acceptance", "mean accepted length", "outputs identical");
        table.AddRow(r.Model, r.Draft, F(r.DecodeTokensPerSecond, "F1"), F(r.SpeculativeDecodeTokensPerSecond, "F1"), F(r.Speedup, "F2") + "x",
            F(100 * r.AcceptanceRate, "F1") + " %", F(r.MeanAcceptedLength, "F2"), r.Identical ? "yes" : "NO");
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Prompts} prompt(s), {r.GeneratedTokens} tokens per round; {r.AcceptedTokens} of {r.DraftedTokens} drafted tokens accepted; {100 * r.TargetRunShare:F0} % of drafting decode steps in the model's runs; load average {r.LoadAverage:F2}"));
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Decode tokens per second over a round (tokens after each first one, over the time after it), and the ids.</summary>
    private static async Task<(double Speed, List<IReadOnlyList<int>> Ids)> RoundAsync(InferenceEngine engine, IReadOnlyList<GenerationRequest> requests,
        CancellationToken cancellationToken)
    {
        var tokens = 0;
        var ms = 0.0;
        var ids = new List<IReadOnlyList<int>>(requests.Count);
        foreach (var request in requests)
        {
            var result = await engine.GenerateAsync(request with { Id = Guid.NewGuid().ToString("N") }, cancellationToken).ConfigureAwait(false);
            tokens += Math.Max(0, result.Usage.CompletionTokens - 1);
            ms += result.Usage.TotalMs - result.Usage.TimeToFirstTokenMs;
            ids.Add(result.TokenIds);
        }
        return (ms <= 0 ? 0 : tokens / (ms / 1000), ids);
    }

    private static List<GenerationRequest> SmokeRequests(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var max = doc.RootElement.GetProperty("max_new_tokens").GetInt32();
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new GenerationRequest { Id = "bench", Prompt = c.GetProperty("prompt").GetString(), Temperature = 0, MaxTokens = max })
            .ToList();
    }

    private static GenerationRequest BenchRequest(LanguageModel model, BenchSettings settings) => new()
    {
        Id = "bench",
        Prompt = BenchPrompt.Build(model, settings.PromptTokens).Text,
        Temperature = 0,
        MaxTokens = settings.GenTokens,
        IgnoreEos = true,
    };

    private static LanguageModel LoadOrExplain(Func<LanguageModel> load, string what)
    {
        try
        {
            return load();
        }
        catch (ModelLoadException e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"cannot load the {what}: {e.Message}", e);
        }
    }
}
