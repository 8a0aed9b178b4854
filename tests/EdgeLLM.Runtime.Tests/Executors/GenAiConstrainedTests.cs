using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Constraints;

namespace EdgeLLM.Runtime.Tests.Executors;

/// <summary>
/// A constrained request on ONNX Runtime GenAI's engine is decoded under GenAI's guidance or refused; it is never
/// answered unconstrained. EdgeLLM's up-front checks hold there too.
/// </summary>
public sealed class GenAiConstrainedTests : IDisposable
{
    private static readonly string ActionSchema = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "examples", "iot-assist-action.schema.json"));

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly LanguageModel _model = LanguageModel.Load(TestPaths.DefaultModel,
        ExecutorFactory.LoadOptionsFor(ExecutorKind.GenAi, new ModelLoadOptions { IntraOpThreads = 1 }));

    private static IEnumerable<(string? System, string Prompt)> CommandPrompts(int count) =>
        File.ReadLines(Path.Combine(TestPaths.RepoRoot, "models-distilled", "data", "heldout.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("task").GetString() == "command")
            .Take(count)
            .Select(e => (e.GetProperty("system").GetString(), e.GetProperty("prompt").GetString()!));

    private static GenerationRequest Chat(string? system, string prompt, OutputConstraint? constraint, int maxTokens = 64, IReadOnlyList<string>? stop = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Messages = [.. (system is null ? Array.Empty<PromptMessage>() : [new PromptMessage("system", system)]), new PromptMessage("user", prompt)],
        Temperature = 0,
        MaxTokens = maxTokens,
        Constraint = constraint,
        Stop = stop ?? [],
    };

    [Fact]
    public async Task Commands_under_the_action_schema_are_compact_and_validate_on_the_genai_executor()
    {
        await using var executor = GenAiExecutor.Started(_model);
        foreach (var (system, prompt) in CommandPrompts(6))
        {
            var result = await executor.GenerateAsync(Chat(system, prompt, OutputConstraint.ForSchema(ActionSchema, "action")));
            Assert.True(SchemaValidator.IsValid(ActionSchema, result.Text, out var why), $"{prompt} -> {result.Text}: {why}");
            // Compact as on EdgeLLM's own executor: llguidance's x-guidance options took effect.
            Assert.Equal(JsonNode.Parse(result.Text)!.ToJsonString(Compact), result.Text);
            Assert.Equal(FinishReason.Stop, result.FinishReason);
        }
    }

    [Fact]
    public async Task Guidance_changes_an_answer_the_model_would_give_unconstrained()
    {
        // The default model answers this prompt with an action object; a schema asking for something else shows the
        // schema, not the model's habit, shaped the answer.
        const string schema = """{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"enum":["red","green","blue"]}}}""";
        await using var executor = GenAiExecutor.Started(_model);
        var free = await executor.GenerateAsync(Chat(null, "turn on the kitchen lights at 7pm", null));
        var guided = await executor.GenerateAsync(Chat(null, "turn on the kitchen lights at 7pm", OutputConstraint.ForSchema(schema)));
        Assert.False(SchemaValidator.IsValid(schema, free.Text, out _), free.Text);
        Assert.True(SchemaValidator.IsValid(schema, guided.Text, out var why), $"{guided.Text}: {why}");
    }

    [Fact]
    public async Task A_json_object_request_is_a_json_object_and_stop_strings_do_not_cut_it()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var result = await executor.GenerateAsync(Chat(null, "turn on the kitchen lights at 7pm", OutputConstraint.JsonObject, stop: ["\""]));
        using var doc = JsonDocument.Parse(result.Text);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public async Task Flexible_whitespace_reaches_genai_and_the_answer_still_validates()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var (system, prompt) = CommandPrompts(1).Single();
        var result = await executor.GenerateAsync(Chat(system, prompt, OutputConstraint.ForSchema(ActionSchema, "action") with { Whitespace = JsonWhitespace.Flexible }));
        Assert.True(result.FinishReason == FinishReason.Length || SchemaValidator.IsValid(ActionSchema, result.Text, out _), result.Text);
        Assert.StartsWith("{", result.Text);
    }

    [Fact]
    public async Task A_regex_request_matches_the_whole_pattern()
    {
        const string pattern = "^(on|off) [0-9]{1,3}$";
        await using var executor = GenAiExecutor.Started(_model);
        var result = await executor.GenerateAsync(Chat(null, "turn on the kitchen lights at 7pm", new OutputConstraint { Kind = ConstraintKind.Regex, Pattern = pattern }, maxTokens: 16));
        Assert.Matches(pattern, result.Text);
    }

    [Fact]
    public async Task An_unsupported_keyword_is_refused_by_name_before_genai_sees_it()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var e = await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Chat(null, "turn on the fan",
            OutputConstraint.ForSchema("""{"type":"object","properties":{"at":{"type":"string","format":"date-time"}}}"""))));
        Assert.Equal(GenerationErrorCode.BadRequest, e.Code);
        Assert.Contains("\"format\"", e.Message);
        Assert.Contains("#/properties/at", e.Message);
    }

    [Fact]
    public async Task A_budget_below_the_shortest_answer_is_refused_up_front()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var e = await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Chat(null, "turn on the fan", OutputConstraint.ForSchema(ActionSchema, "action"), maxTokens: 5)));
        Assert.Equal(GenerationErrorCode.BadRequest, e.Code);
        Assert.Matches("takes [0-9]+ tokens, but max_tokens is 5", e.Message);
    }

    [Fact]
    public async Task At_the_shortest_budget_genai_cannot_close_the_value_and_reports_length()
    {
        // GenAI's guidance does not know the budget: it does not steer towards closing, so an answer that fits the
        // budget on EdgeLLM's executor is cut off here. What it reports is pinned: a prefix of a valid answer,
        // finish_reason length.
        var shortest = TokenConstraint.Compile(OutputConstraint.ForSchema(ActionSchema), _model.Tokenizer).ShortestAnswerTokens;
        await using var executor = GenAiExecutor.Started(_model);
        var (system, prompt) = CommandPrompts(1).Single();
        var result = await executor.GenerateAsync(Chat(system, prompt, OutputConstraint.ForSchema(ActionSchema, "action"), maxTokens: shortest));
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(shortest, result.TokenIds.Count);
        Assert.False(SchemaValidator.IsValid(ActionSchema, result.Text, out _), result.Text);
        Assert.StartsWith("{\"", result.Text);
    }

    public void Dispose() => _model.Dispose();
}
