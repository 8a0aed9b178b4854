using System.Diagnostics;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>Runs a command-line tool for interoperability checks; a missing tool fails the test with a clear message.</summary>
internal static class ExternalTool
{
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{tool}' is needed by this interoperability test and could not be started ({e.Message}); install it (Debian: apt-get install -y {tool})", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
    }
}
