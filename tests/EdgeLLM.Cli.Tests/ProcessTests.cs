using System.Diagnostics;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests;

/// <summary>The built <c>edgellm</c> as a child process: real standard streams, exit codes and piped input.</summary>
public class ProcessTests
{
    [Theory]
    [InlineData("edgellm")]
    [InlineData("genai")]
    public async Task Run_streams_the_same_reply_on_stdout_on_either_executor_and_the_log_names_the_executor(string executor)
    {
        var (code, output, error) = await EdgeLlmAsync(["run", "--chat", "turn on the kitchen lights at 7pm"], environment: ("EDGELLM__ENGINE__EXECUTOR", executor));
        Assert.True(code == 0, error);
        Assert.Equal("{\"device\":\"light\",\"action\":\"on\",\"zone\":\"kitchen\",\"at\":\"19:00\"}\n", output);
        Assert.Contains("20 prompt + 21 completion tokens", error);
        Assert.Contains($"Executor {executor} serves iot-assist", error);
    }

    [Fact]
    public async Task Doctor_says_that_the_genai_executor_batches_statically()
    {
        var (code, output, error) = await EdgeLlmAsync(["doctor"], environment: ("EDGELLM__ENGINE__EXECUTOR", "genai"));
        Assert.True(code == 0, error);
        Assert.Contains("Executor: genai (static batching: a request that arrives while a batch runs waits for the whole batch", output);
    }

    [Fact]
    public async Task An_unknown_model_exits_3_with_one_error_line()
    {
        var (code, output, error) = await EdgeLlmAsync(["run", "--model", "no-such-model", "hi"]);
        Assert.Equal(3, code);
        Assert.Equal("", output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Chat_reads_piped_standard_input()
    {
        var (code, output, _) = await EdgeLlmAsync(["chat"], "please lock the front door\n");
        Assert.Equal(0, code);
        Assert.Equal("{\"device\":\"lock\",\"action\":\"lock\",\"zone\":null,\"at\":\"now\"}\n", output);
    }

    private static async Task<(int, string, string)> EdgeLlmAsync(string[] args, string input = "", (string Name, string Value)? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgellm.dll"), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        psi.Environment["EDGELLM__STATEDIR"] = Path.Combine(Path.GetTempPath(), "edgellm-cli-test-empty-state");
        if (environment is { } variable)
        {
            psi.Environment[variable.Name] = variable.Value;
        }
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(input);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
