using System.Diagnostics;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests;

/// <summary>The built <c>edgellm</c> as a child process: real standard streams, exit codes and piped input.</summary>
public class ProcessTests
{
    [Fact]
    public async Task Run_streams_the_reply_on_stdout_and_diagnostics_on_stderr()
    {
        var (code, output, error) = await EdgeLlmAsync(["run", "--chat", "turn on the kitchen lights at 7pm"]);
        Assert.Equal(0, code);
        Assert.Equal("{\"device\":\"light\",\"action\":\"on\",\"zone\":\"kitchen\",\"at\":\"19:00\"}\n", output);
        Assert.Contains("20 prompt + 21 completion tokens", error);
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

    private static async Task<(int, string, string)> EdgeLlmAsync(string[] args, string input = "")
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgellm.dll"), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        psi.Environment["EDGELLM__STATEDIR"] = Path.Combine(Path.GetTempPath(), "edgellm-cli-test-empty-state");
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
