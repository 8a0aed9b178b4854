using System.Text.Json;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Bench;

public class SpeculativeBenchTests
{
    private static readonly string ProModel = Path.Combine(Repo.Root, "models-distilled", "iot-assist-pro");

    [Fact]
    public async Task Bench_with_a_draft_reports_both_speeds_acceptance_and_identical_outputs()
    {
        var (code, output, error) = await InProcess.RunAsync(["bench", "--model", ProModel, "--draft", Repo.DefaultModel, "--runs", "1", "--warmup", "0", "--json"]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal("iot-assist-pro", r.GetProperty("model").GetString());
        Assert.Equal("iot-assist", r.GetProperty("draft").GetString());
        Assert.True(r.GetProperty("identical").GetBoolean());
        Assert.True(r.GetProperty("decode_tokens_per_second").GetDouble() > 0);
        Assert.True(r.GetProperty("speculative_decode_tokens_per_second").GetDouble() > 0);
        Assert.InRange(r.GetProperty("acceptance_rate").GetDouble(), 0.5, 1);
        Assert.True(r.GetProperty("mean_accepted_length").GetDouble() > 1);
        Assert.True(r.GetProperty("accepted_tokens").GetInt64() <= r.GetProperty("drafted_tokens").GetInt64());
    }

    [Fact]
    public async Task Bench_refuses_a_draft_with_another_tokenizer()
    {
        var directory = Directory.CreateTempSubdirectory("edgellm-draft-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repo.DefaultModel))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
            var tokenizer = Path.Combine(directory, "tokenizer.json");
            await File.WriteAllTextAsync(tokenizer, (await File.ReadAllTextAsync(tokenizer)).Replace("\"<|im_end|>\"", "\"<|end|>\""));
            var (code, _, error) = await InProcess.RunAsync(["bench", "--model", ProModel, "--draft", directory, "--runs", "1", "--warmup", "0"]);
            Assert.Equal(3, code);
            Assert.Contains("does not share the tokenizer", error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
