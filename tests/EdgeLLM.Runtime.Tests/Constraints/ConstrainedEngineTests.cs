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
}
