using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Scheduling;

namespace EdgeLLM.Runtime.Tests.Constraints;

public class ConstrainedEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly string ActionSchema = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "examples", "iot-assist-action.schema.json"));

    private static IEnumerable<(string? System, string Prompt)> CommandPrompts(int count) =>
        File.ReadLines(Path.Combine(TestPaths.RepoRoot, "models-distilled", "data", "heldout.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("task").GetString() == "command")
            .Take(count)
            .Select(e => (e.GetProperty("system").GetString(), e.GetProperty("prompt").GetString()!));

    private static GenerationRequest Chat(string? system, string prompt, OutputConstraint? constraint, int maxTokens = 64) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Messages = [.. (system is null ? Array.Empty<PromptMessage>() : [new PromptMessage("system", system)]), new PromptMessage("user", prompt)],
        Temperature = 0,
        MaxTokens = maxTokens,
        Constraint = constraint,
    };

    [Fact]
    public async Task Commands_under_the_action_schema_are_complete_and_valid()
    {
        await using var engine = fixture.Engine();
        foreach (var (system, prompt) in CommandPrompts(12))
        {
            var result = await engine.GenerateAsync(Chat(system, prompt, OutputConstraint.ForSchema(ActionSchema, "action")));
            Assert.True(SchemaValidator.IsValid(ActionSchema, result.Text, out var why), $"{prompt} -> {result.Text}: {why}");
            Assert.Equal(FinishReason.Stop, result.FinishReason);
        }
    }

    [Fact]
    public async Task An_unsupported_keyword_is_a_bad_request_naming_it()
    {
        await using var engine = fixture.Engine();
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Chat(null, "turn on the fan",
            OutputConstraint.ForSchema("""{"type":"object","properties":{"at":{"type":"string","format":"date-time"}}}"""))));
        Assert.Equal(GenerationErrorCode.BadRequest, e.Code);
        Assert.Contains("\"format\"", e.Message);
        Assert.Contains("#/properties/at", e.Message);
    }

    [Fact]
    public async Task A_budget_below_the_shortest_answer_is_refused_up_front_with_the_tokens_it_needs()
    {
        await using var engine = fixture.Engine();
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Chat(null, "turn on the fan", OutputConstraint.ForSchema(ActionSchema, "action"), maxTokens: 5)));
        Assert.Equal(GenerationErrorCode.BadRequest, e.Code);
        Assert.Matches("takes [0-9]+ tokens, but max_tokens is 5", e.Message);
    }

    [Fact]
    public async Task A_tiny_max_tokens_still_gives_a_complete_valid_answer()
    {
        await using var engine = fixture.Engine();
        var shortest = TokenConstraint.Compile(OutputConstraint.ForSchema(ActionSchema), fixture.Model.Tokenizer).ShortestAnswerTokens;
        foreach (var budget in new[] { shortest, shortest + 1, shortest + 3 })
        {
            foreach (var (system, prompt) in CommandPrompts(4))
            {
                var result = await engine.GenerateAsync(Chat(system, prompt, OutputConstraint.ForSchema(ActionSchema, "action"), maxTokens: budget));
                Assert.True(SchemaValidator.IsValid(ActionSchema, result.Text, out var why), $"{budget}: {prompt} -> {result.Text}: {why}");
                Assert.InRange(result.TokenIds.Count, 1, budget);
                Assert.Equal(FinishReason.Stop, result.FinishReason);
            }
        }
    }

    [Fact]
    public async Task A_constrained_and_an_unconstrained_sequence_share_a_batch_and_each_gets_its_own_answer()
    {
        var telemetry = "sensor update: sensor=compressor-5 door=2min co2=3058ppm sound=47dB";
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 2 });
        var alone = await engine.GenerateAsync(Chat(null, telemetry, null));
        var stepsBefore = engine.GetStats().DecodeSteps;
        var free = engine.GenerateAsync(Chat(null, telemetry, null));
        var constrained = engine.GenerateAsync(Chat(null, telemetry, OutputConstraint.ForSchema(ActionSchema, "action")));
        await Task.WhenAll(free, constrained);
        Assert.Equal(alone.Text, (await free).Text);
        Assert.False(SchemaValidator.IsValid(ActionSchema, alone.Text, out _), "the free answer to a telemetry line is a status line");
        Assert.True(SchemaValidator.IsValid(ActionSchema, (await constrained).Text, out var why), why);
        // Apart, the two would need every decode step of each; sharing steps, the batch needs fewer than that.
        var (freeTokens, constrainedTokens) = ((await free).TokenIds.Count, (await constrained).TokenIds.Count);
        Assert.InRange(engine.GetStats().DecodeSteps - stepsBefore, 1, freeTokens + constrainedTokens - 3);
        Assert.True(engine.GetStats().ConstrainedTokens >= (await constrained).TokenIds.Count);
    }

    [Fact]
    public async Task Constrained_requests_arriving_together_each_get_a_masked_first_token_whether_prefilled_alone_or_grouped()
    {
        // Same prompt, so same length: the engine prefills those it admits together in one run. The model's own first
        // token for a command is "{", which a two-digit integer cannot start with, so an unmasked first token fails.
        var integer = OutputConstraint.ForSchema("""{"type":"integer","minimum":10,"maximum":99}""");
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 4, PrefixCacheBytes = 0 });
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => engine.GenerateAsync(Chat(null, "turn on the fan", integer, maxTokens: 8))));
        foreach (var answer in answers)
        {
            Assert.True(int.TryParse(answer.Text, out var n) && n is >= 10 and <= 99, $"'{answer.Text}' is not an integer from 10 to 99");
            Assert.Equal(FinishReason.Stop, answer.FinishReason);
        }
    }
}
