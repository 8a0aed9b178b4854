using System.Diagnostics;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// <c>--schema FILE</c>: greedy answers to the bench prompt under the schema, timing the masks against the decode
/// steps they run in; with <c>--schema-tokenizer DIR</c> also the masks of a large vocabulary (Qwen, Llama 3), driven
/// by random logits since no model of that size need be at hand.
/// </summary>
internal static class ConstrainedBench
{
    public static async Task<ConstrainedResult> RunAsync(EngineSession session, BenchPrompt prompt, BenchSettings settings, OutputConstraint schema, string? otherTokenizer, CancellationToken cancellationToken)
    {
        // Warm-up answers build the automaton's states and masks the measured ones then reuse, as a device serving
        // one schema does after its first requests.
        var tokens = new List<int>();
        var before = session.Engine.GetStats();
        for (var i = -settings.Warmup; i < Math.Max(1, settings.Runs); i++)
        {
            if (i == 0)
            {
                before = session.Engine.GetStats();
                tokens.Clear();
            }
            var result = await session.Engine.GenerateAsync(new GenerationRequest
            {
                Id = $"bench-schema-{i}",
                Messages = [new PromptMessage("user", prompt.Text)],
                Temperature = 0,
                MaxTokens = settings.GenTokens,
                Constraint = schema,
            }, cancellationToken).ConfigureAwait(false);
            tokens.Add(result.TokenIds.Count);
        }
        var after = session.Engine.GetStats();
        var masked = Math.Max(1, after.ConstrainedTokens - before.ConstrainedTokens);
        var maskMs = (after.ConstraintMaskTime - before.ConstraintMaskTime).TotalMilliseconds / masked;
        var steps = Math.Max(1, after.DecodeSteps - before.DecodeSteps);
        var stepMs = (after.DecodeStepTime - before.DecodeStepTime).TotalMilliseconds / steps;
        double? cold = null, warm = null;
        int? vocab = null;
        if (otherTokenizer is not null)
        {
            var tokenizer = Tokenizer.FromDirectory(otherTokenizer);
            vocab = tokenizer.VocabSize;
            var constraint = TokenConstraint.Compile(schema, tokenizer);
            cold = RandomLogitsMaskMs(constraint, tokenizer, settings.GenTokens, runs: 1);
            warm = RandomLogitsMaskMs(constraint, tokenizer, settings.GenTokens, runs: Math.Max(1, settings.Runs));
        }
        return new ConstrainedResult
        {
            Schema = schema.Name ?? "schema",
            Answers = tokens.Count,
            MeanTokens = tokens.Average(),
            MaskMsPerToken = maskMs,
            StepMsPerToken = stepMs,
            MaskShareOfStep = stepMs > 0 ? maskMs / stepMs : 0,
            OtherTokenizer = otherTokenizer,
            OtherVocabSize = vocab,
            OtherColdMaskMsPerToken = cold,
            OtherWarmMaskMsPerToken = warm,
        };
    }

    /// <summary>Mask milliseconds per token over <paramref name="runs"/> answers with seeded random logits.</summary>
    private static double RandomLogitsMaskMs(TokenConstraint constraint, Tokenizer tokenizer, int maxTokens, int runs)
    {
        var logits = new float[tokenizer.VocabSize];
        var random = new Random(15);
        var elapsed = 0L;
        var count = 0;
        for (var run = 0; run < runs; run++)
        {
            var cursor = constraint.CreateCursor();
            for (var step = 0; step < maxTokens && !cursor.IsClosed; step++)
            {
                for (var i = 0; i < logits.Length; i++)
                {
                    logits[i] = random.NextSingle();
                }
                var started = Stopwatch.GetTimestamp();
                cursor.Apply(logits, maxTokens - step, []);
                elapsed += Stopwatch.GetTimestamp() - started;
                count++;
                if (!cursor.Advance(TokenSampler.ArgMax(logits)))
                {
                    break;
                }
            }
        }
        return Stopwatch.GetElapsedTime(0, elapsed).TotalMilliseconds / Math.Max(1, count);
    }
}
