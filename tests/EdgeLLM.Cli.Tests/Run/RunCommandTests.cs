using System.Text.Json;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Run;

public class RunCommandTests
{
    [Theory]
    [MemberData(nameof(Repo.SmokeCases), MemberType = typeof(Repo))]
    public async Task Run_with_chat_prints_exactly_the_smoke_reference_text(string name, string user, string system, string expected)
    {
        string[] args = system.Length == 0 ? ["run", "--chat", user] : ["run", "--chat", "--system", system, user];
        var (code, output, error) = await InProcess.RunAsync(args);
        Assert.True(code == 0, $"{name}: exit {code}: {error}");
        Assert.Equal(expected + "\n", output.Replace("\r\n", "\n"));
        Assert.Contains("finish stop", error);
    }

    [Fact]
    public async Task Json_prints_one_final_message_in_the_contract_shape()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--chat", "--json", "please lock the front door"]);
        Assert.Equal(0, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        Assert.StartsWith("cli-", r.GetProperty("id").GetString());
        Assert.True(r.GetProperty("done").GetBoolean());
        Assert.Equal("iot-assist", r.GetProperty("model").GetString());
        Assert.Equal("{\"device\":\"lock\",\"action\":\"lock\",\"zone\":null,\"at\":\"now\"}", r.GetProperty("text").GetString());
        Assert.Equal("stop", r.GetProperty("finish_reason").GetString());
        var u = r.GetProperty("usage");
        Assert.Equal(16, u.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(17, u.GetProperty("completion_tokens").GetInt32());
        Assert.True(u.GetProperty("ttft_ms").GetDouble() > 0);
        Assert.True(u.GetProperty("total_ms").GetDouble() >= u.GetProperty("ttft_ms").GetDouble());
        Assert.True(u.GetProperty("tokens_per_s").GetDouble() > 0);
        Assert.Equal(0, u.GetProperty("energy_j").GetDouble());
        Assert.Equal(["id", "done", "model", "text", "finish_reason", "usage"], r.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Max_tokens_cuts_the_completion_with_finish_reason_length()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--chat", "--json", "--max-tokens", "3", "please lock the front door"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("length", doc.RootElement.GetProperty("finish_reason").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Temperature_zero_is_the_same_greedy_output_as_the_models_defaults()
    {
        // The model's genai_config has do_sample false: its default is greedy too.
        var defaults = await InProcess.RunAsync(["run", "--chat", "swich off the garag lights"]);
        var greedy = await InProcess.RunAsync(["run", "--chat", "--temperature", "0", "swich off the garag lights"]);
        Assert.Equal((0, 0), (defaults.ExitCode, greedy.ExitCode));
        Assert.Equal(defaults.Output, greedy.Output);
    }

    [Fact]
    public async Task Sampling_with_a_seed_repeats()
    {
        string[] args = ["run", "--temperature", "1.2", "--top-k", "20", "--seed", "7", "--max-tokens", "12", "sensor"];
        var first = await InProcess.RunAsync(args);
        var second = await InProcess.RunAsync(args);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_prompt_exits_2_saying_the_prompt_is_empty(string prompt)
    {
        var (code, output, error) = await InProcess.RunAsync(["run", prompt]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: the prompt is empty", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_missing_prompt_exits_2()
    {
        var (code, _, error) = await InProcess.RunAsync(["run"]);
        Assert.Equal(2, code);
        Assert.Contains("the prompt is empty", error);
    }

    [Fact]
    public async Task Max_tokens_zero_exits_2_naming_the_option()
    {
        var (code, _, error) = await InProcess.RunAsync(["run", "--max-tokens", "0", "hello"]);
        Assert.Equal(2, code);
        Assert.Equal("error: --max-tokens must be 1 or more, not 0", error.Trim());
    }

    [Fact]
    public async Task Max_tokens_zero_with_json_prints_the_contract_error_final()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--json", "--max-tokens", "0", "hello"]);
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("done").GetBoolean());
        Assert.Equal(JsonValueKind.String, r.GetProperty("id").ValueKind);
        Assert.Equal("bad_request", r.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("--max-tokens", r.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_model_exits_3_naming_it_and_where_the_cli_looked()
    {
        var (code, _, error) = await InProcess.RunAsync(["run", "--model", "no-such-model", "hello"]);
        Assert.Equal(3, code);
        Assert.StartsWith("error: model 'no-such-model' not found", error);
        Assert.Contains("models-distilled", error);
    }

    [Fact]
    public async Task An_unknown_model_with_json_has_code_model_unavailable()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--json", "--model", "no-such-model", "hello"]);
        Assert.Equal(3, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("model_unavailable", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_exits_2_with_the_token_counts()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("kitchen lights", 400));
        var (code, _, error) = await InProcess.RunAsync(["run", prompt]);
        Assert.Equal(2, code);
        Assert.Matches(@"^error: the prompt has \d+ tokens; the model's context holds 512", error);
    }

    [Fact]
    public async Task A_negative_temperature_exits_2()
    {
        var (code, _, error) = await InProcess.RunAsync(["run", "--temperature", "-1", "hello"]);
        Assert.Equal(2, code);
        Assert.Contains("temperature", error);
    }

    [Fact]
    public async Task A_model_directory_path_works_like_its_id()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--model", Repo.DefaultModel, "--chat", "please lock the front door"]);
        Assert.Equal(0, code);
        Assert.Equal("{\"device\":\"lock\",\"action\":\"lock\",\"zone\":null,\"at\":\"now\"}\n", output);
    }

    [Fact]
    public async Task A_stop_string_ends_the_completion_before_it()
    {
        var (code, output, _) = await InProcess.RunAsync(["run", "--chat", "--json", "--stop", "\"zone\"", "please lock the front door"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("{\"device\":\"lock\",\"action\":\"lock\",", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop", doc.RootElement.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task An_unknown_option_is_bad_usage_exit_2()
    {
        var (code, _, _) = await InProcess.RunAsync(["run", "--max-tokens", "many", "hello"]);
        Assert.Equal(2, code);
    }
}
