using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;

namespace EdgeLLM.Runtime.Tests.Speculative;

public class SpeculativeDecodingTests(SpeculativeFixture fixture) : IClassFixture<SpeculativeFixture>
{
    private static readonly (int MaxNew, SmokeCase[] Cases) Smoke = SmokeCase.Load(TestPaths.ProModel);

    private static GenerationRequest Greedy(string prompt, int maxTokens) =>
        new() { Id = Guid.NewGuid().ToString("N"), Prompt = prompt, Temperature = 0, MaxTokens = maxTokens };

    private static async Task<GenerationResult[]> RunAll(InferenceEngine engine, IEnumerable<GenerationRequest> requests, bool together)
    {
        if (together)
        {
            return await Task.WhenAll(requests.Select(r => engine.GenerateAsync(r)));
        }
        var results = new List<GenerationResult>();
        foreach (var r in requests)
        {
            results.Add(await engine.GenerateAsync(r));
        }
        return [.. results];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Greedy_output_with_the_student_as_draft_is_the_teachers_token_for_token(bool shared)
    {
        await using var engine = fixture.Engine(shared);
        var drafted = 0;
        var accepted = 0;
        foreach (var c in Smoke.Cases)
        {
            var result = await engine.GenerateAsync(Greedy(c.Prompt, Smoke.MaxNew));
            Assert.Equal(c.OutputIds, result.TokenIds);
            Assert.Equal(c.Text, result.Text);
            Assert.Equal(FinishReason.Stop, result.FinishReason);
            drafted += result.Usage.DraftedTokens;
            accepted += result.Usage.AcceptedDraftTokens;
        }
        // The student was distilled from this teacher: most drafted tokens must be accepted.
        Assert.True(drafted > 0);
        Assert.True(accepted > drafted / 2, $"{accepted} of {drafted} drafted tokens accepted");
        var stats = engine.GetStats();
        Assert.Equal(drafted, stats.DraftedTokens);
        Assert.Equal(accepted, stats.AcceptedDraftTokens);
        Assert.True(stats.VerifySteps > 0 && stats.VerifySteps < stats.CompletionTokens);
    }

    [Fact]
    public async Task Sequences_batched_together_with_and_without_a_draft_each_get_the_teachers_answer()
    {
        await using var engine = fixture.Engine(batch: 4);
        // Constrained requests never draft: they share the step's batched decode run with the drafting ones.
        var cases = Smoke.Cases.Concat(Smoke.Cases).ToArray();
        var requests = cases.Select((c, i) => i % 2 == 0 && c.Name.StartsWith("command", StringComparison.Ordinal)
            ? Greedy(c.Prompt, Smoke.MaxNew) with { Constraint = OutputConstraint.JsonObject }
            : Greedy(c.Prompt, Smoke.MaxNew)).ToArray();
        var got = await Task.WhenAll(requests.Select(r => engine.GenerateAsync(r)));
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].OutputIds, got[i].TokenIds);
        }
        Assert.Contains(got, r => r.Usage.DraftedTokens == 0);
        Assert.Contains(got, r => r.Usage.DraftedTokens > 0);
        Assert.True(engine.GetStats().LastBatchSize >= 1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_weak_draft_that_is_often_rejected_leaves_the_output_unchanged(bool shared)
    {
        await using var engine = fixture.Engine(shared, draft: shared ? fixture.WeakDraft : fixture.GrowingWeakDraft);
        var drafted = 0;
        var accepted = 0;
        foreach (var c in Smoke.Cases)
        {
            var result = await engine.GenerateAsync(Greedy(c.Prompt, Smoke.MaxNew));
            Assert.Equal(c.OutputIds, result.TokenIds);
            drafted += result.Usage.DraftedTokens;
            accepted += result.Usage.AcceptedDraftTokens;
        }
        Assert.True(accepted > 0 && accepted < drafted * 9 / 10, $"{accepted} of {drafted} drafted tokens accepted");
    }

    [Fact]
    public async Task A_draft_with_a_float16_cache_drafts_for_a_float32_model()
    {
        await using var engine = fixture.Engine(draft: fixture.Fp16KvDraft);
        foreach (var c in Smoke.Cases)
        {
            var result = await engine.GenerateAsync(Greedy(c.Prompt, Smoke.MaxNew));
            Assert.Equal(c.OutputIds, result.TokenIds);
            Assert.True(result.Usage.AcceptedDraftTokens > 0);
        }
    }

    [Fact]
    public async Task Prompt_lookup_drafts_that_are_often_rejected_leave_the_output_unchanged()
    {
        await using var engine = fixture.Engine(promptLookup: true);
        var drafted = 0;
        var accepted = 0;
        foreach (var c in Smoke.Cases)
        {
            var result = await engine.GenerateAsync(Greedy(c.Prompt, Smoke.MaxNew));
            Assert.Equal(c.OutputIds, result.TokenIds);
            drafted += result.Usage.DraftedTokens;
            accepted += result.Usage.AcceptedDraftTokens;
        }
        Assert.True(drafted > 0);
        Assert.True(accepted < drafted / 2, $"{accepted} of {drafted}: JSON answers are not in their prompts, most lookups must miss");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sampling_with_a_seed_and_a_draft_is_reproducible(bool shared)
    {
        await using var engine = fixture.Engine(shared);
        var c = Smoke.Cases[0];
        var request = new GenerationRequest { Id = "s", Prompt = c.Prompt, Temperature = 1.2f, Seed = 7, MaxTokens = 40 };
        var first = await engine.GenerateAsync(request);
        var second = await engine.GenerateAsync(request with { Id = "s2" });
        Assert.Equal(first.TokenIds, second.TokenIds);
        Assert.True(first.Usage.DraftedTokens > 0);
        var other = await engine.GenerateAsync(request with { Id = "s3", Seed = 8 });
        Assert.NotEmpty(other.TokenIds);
    }

    [Fact]
    public async Task A_draft_with_a_different_tokenizer_is_refused_at_load()
    {
        var directory = Directory.CreateTempSubdirectory("edgellm-draft-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(TestPaths.DefaultModel))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
            var tokenizer = Path.Combine(directory, "tokenizer.json");
            await File.WriteAllTextAsync(tokenizer, (await File.ReadAllTextAsync(tokenizer)).Replace("\"<|im_end|>\"", "\"<|end|>\""));
            var e = Assert.Throws<ModelLoadException>(() => DraftPairing.LoadDraft(fixture.Target, directory));
            Assert.Contains("does not share the tokenizer", e.Message);
            Assert.Contains(directory, e.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_served_model_whose_draft_is_not_installed_serves_without_drafting()
    {
        var directory = Directory.CreateTempSubdirectory("edgellm-pro-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(TestPaths.ProModel))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
            using var model = LanguageModel.Load(directory, new ModelLoadOptions { IntraOpThreads = 1 });
            Assert.Null(SpeculativeServing.For(model, ExecutorKind.EdgeLLM));
            var served = SpeculativeServing.For(fixture.Target, ExecutorKind.EdgeLLM);
            Assert.NotNull(served?.Draft);
            Assert.Equal(SpeculativeOptions.DefaultMaxDraftTokens(fixture.Target.WeightsBytes), served.MaxDraftTokens);
            Assert.Equal(12, served.MaxDraftTokens);
            served.Draft.Dispose();
            Assert.Null(SpeculativeServing.For(fixture.Target, ExecutorKind.GenAi));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(22L << 20, 12)]
    [InlineData(SpeculativeOptions.SmallModelBytes, 12)]
    [InlineData(SpeculativeOptions.SmallModelBytes + 1, 4)]
    [InlineData(304L << 20, 4)]
    public void The_default_draft_cap_is_long_for_small_models_and_short_for_large_ones(long weightsBytes, int cap)
    {
        Assert.Equal(cap, SpeculativeOptions.DefaultMaxDraftTokens(weightsBytes));
    }

    [Fact]
    public void The_teacher_names_the_student_as_its_draft()
    {
        Assert.Equal(Path.GetFullPath(TestPaths.DefaultModel), DraftPairing.DraftDirectory(TestPaths.ProModel));
        Assert.Null(DraftPairing.DraftDirectory(TestPaths.DefaultModel));
    }
}
