using System.Diagnostics;

namespace EdgeLLM.Cli.Tests;

public class VersionTests
{
    [Fact]
    public async Task Version_prints_edgellm_onnxruntime_and_the_cpu_provider()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["--version"], output);
        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("EdgeLLM 0.1.0", text);
        Assert.Contains("ONNX Runtime 1.31.1", text);
        Assert.Matches(@"Execution providers: .*CPUExecutionProvider", text);
    }

    [Fact]
    public void EDGELLM_ORT_LIBRARY_selects_the_library_the_managed_api_runs_on()
    {
        // A copy of the app without its runtimes folder: the package's own probing would find no libonnxruntime, so
        // the providers can only be listed if the managed API runs on the library the variable names.
        var app = Path.Combine(Path.GetTempPath(), $"edgellm-ortlib-{Guid.NewGuid():N}");
        var lib = Path.Combine(app, "other-build", "libonnxruntime.so.1");
        Directory.CreateDirectory(Path.GetDirectoryName(lib)!);
        try
        {
            foreach (var f in Directory.GetFiles(AppContext.BaseDirectory))
            {
                File.Copy(f, Path.Combine(app, Path.GetFileName(f)));
            }
            var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x64";
            File.Copy(Path.Combine(AppContext.BaseDirectory, "runtimes", $"linux-{arch}", "native", "libonnxruntime.so"), lib);
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(app, "edgellm.dll"), "--version"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.Environment["EDGELLM_ORT_LIBRARY"] = lib;
            psi.Environment["LD_LIBRARY_PATH"] = "";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit(60_000);
            Assert.True(p.ExitCode == 0, stderr);
            Assert.Contains($"ONNX Runtime 1.31.1 ({lib})", stdout);
            Assert.Matches(@"Execution providers: .*CPUExecutionProvider", stdout);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public void Without_any_loadable_onnxruntime_the_message_lists_every_place_looked_at()
    {
        // A copy of the app without its runtimes folder, pointed at a library that does not exist.
        var app = Path.Combine(Path.GetTempPath(), $"edgellm-noort-{Guid.NewGuid():N}");
        Directory.CreateDirectory(app);
        try
        {
            foreach (var f in Directory.GetFiles(AppContext.BaseDirectory))
            {
                File.Copy(f, Path.Combine(app, Path.GetFileName(f)));
            }
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(app, "edgellm.dll"), "--version"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.Environment["EDGELLM_ORT_LIBRARY"] = "/nonexistent/libonnxruntime.so.1";
            psi.Environment["LD_LIBRARY_PATH"] = "";
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit(60_000);
            Assert.Equal(3, p.ExitCode);
            Assert.Contains("/nonexistent/libonnxruntime.so.1 (EDGELLM_ORT_LIBRARY)", stderr);
            Assert.Contains("runtimes/linux-", stderr);
            Assert.Contains("libonnxruntime.so.1 (system loader)", stderr);
            Assert.Contains("./install.sh", stderr);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }
}
