using System.Diagnostics;
using System.Text;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Scheduling;
using EdgeLLM.Tokenizers;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Constraints;

/// <summary>
/// The generated suite (200 schemas × prompts at max_tokens 64): on the default model, and on Qwen2.5's byte-level
/// 151k-token vocabulary with random logits standing in for a model. Every answer must be complete and valid by an
/// independent validator. The measured numbers (validity, mean tokens, mask time) are written to the test output.
/// </summary>
public class SchemaSuiteTests(EngineFixture fixture, ITestOutputHelper output) : IClassFixture<EngineFixture>
{
    private const int MaxTokens = 64;

    [Fact]
    public async Task Every_generated_schema_answer_of_the_default_model_is_complete_and_valid()
    {
        var cases = SchemaSuite.Build();
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 8, MaxQueuedRequests = cases.Count });
        var results = await Task.WhenAll(cases.Select(c => engine.GenerateAsync(new GenerationRequest
        {
            Id = $"suite-{c.Index}",
            Messages = [new PromptMessage("user", c.Prompt)],
            Temperature = 0,
            MaxTokens = MaxTokens,
            Constraint = OutputConstraint.ForSchema(c.Schema, $"suite-{c.Index}"),
        })));
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            if (!SchemaValidator.IsValid(cases[i].Schema, results[i].Text, out var why) || results[i].FinishReason != FinishReason.Stop)
            {
                failures.Add($"#{i} {cases[i].Category} {cases[i].Schema} -> {results[i].Text} ({results[i].FinishReason}): {why}");
            }
        }
        var stats = engine.GetStats();
        output.WriteLine($"default model: {cases.Count - failures.Count}/{cases.Count} complete and valid, mean {results.Average(r => r.TokenIds.Count):F1} tokens per answer, " +
                         $"mask {stats.ConstraintMaskTime.TotalMilliseconds / Math.Max(1, stats.ConstrainedTokens):F3} ms per constrained token");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Every_generated_schema_answer_under_random_logits_on_a_150k_vocabulary_is_complete_and_valid()
    {
        var tokenizer = Tokenizer.FromDirectory(Path.Combine(TestPaths.RepoRoot, ".cache", "tokenizers", "qwen2_5"));
        Assert.True(tokenizer.VocabSize > 150_000);
        int[] eos = [tokenizer.TokenToId("<|endoftext|>")!.Value, tokenizer.TokenToId("<|im_end|>")!.Value];
        var cases = SchemaSuite.Build();
        var logits = new float[tokenizer.VocabSize];
        var noise = RandomNoise(4 * tokenizer.VocabSize);
        var failures = new List<string>();
        var tokens = 0L;
        var masks = TimeSpan.Zero;
        var maskCount = 0L;
        foreach (var c in cases)
        {
            var constraint = TokenConstraint.Compile(OutputConstraint.ForSchema(c.Schema), tokenizer);
            var (text, count) = RandomAnswer(constraint, tokenizer, logits, noise, eos, new Random(c.Index));
            tokens += count;
            masks += constraint.MaskTime;
            maskCount += constraint.MasksApplied;
            if (!SchemaValidator.IsValid(c.Schema, text, out var why))
            {
                failures.Add($"#{c.Index} {c.Category} {c.Schema} -> {text}: {why}");
            }
        }
        output.WriteLine($"Qwen2.5 151k vocabulary, random logits: {cases.Count - failures.Count}/{cases.Count} complete and valid, " +
                         $"mean {(double)tokens / cases.Count:F1} tokens per answer, mask {masks.TotalMilliseconds / Math.Max(1, maskCount):F3} ms per token (cold caches: each schema compiled afresh)");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    internal static float[] RandomNoise(int length)
    {
        var r = new Random(1515);
        var noise = new float[length];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = r.NextSingle() * 8f;
        }
        return noise;
    }

    /// <summary>Decodes one answer with random logits: whatever the "model" prefers, the mask keeps it valid and the
    /// budget closes it by the 64th token. <paramref name="favoured"/> tokens outrank the noise (but not end-of-sequence).</summary>
    internal static (string Text, int Tokens) RandomAnswer(TokenConstraint constraint, Tokenizer tokenizer, float[] logits, float[] noise, int[] eos, Random random,
        IReadOnlyList<int>? favoured = null)
    {
        var cursor = constraint.CreateCursor();
        var ids = new List<int>();
        for (var step = 0; step < MaxTokens; step++)
        {
            // A random window of a pre-drawn noise buffer: random logits without drawing 151k numbers per token.
            noise.AsSpan(random.Next(noise.Length - logits.Length), logits.Length).CopyTo(logits);
            foreach (var id in favoured ?? [])
            {
                logits[id] = 50f;
            }
            // End-of-sequence is the "model's" favourite: the mask must hold it back until the value is complete.
            foreach (var e in eos)
            {
                logits[e] = 100f;
            }
            cursor.Apply(logits, MaxTokens - step, eos);
            var token = EdgeLLM.Runtime.Sampling.TokenSampler.ArgMax(logits);
            if (eos.Contains(token))
            {
                Assert.True(cursor.IsComplete, "end-of-sequence was allowed before the answer was complete");
                break;
            }
            Assert.True(cursor.Advance(token), $"token {token} was allowed but rejected");
            ids.Add(token);
            if (cursor.IsClosed)
            {
                break;
            }
        }
        return (tokenizer.Decode(ids.ToArray()), ids.Count);
    }
}
