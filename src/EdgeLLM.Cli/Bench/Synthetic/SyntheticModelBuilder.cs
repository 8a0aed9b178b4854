using System.Text.Json.Nodes;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Bench.Synthetic;

/// <summary>
/// Makes a bench model on demand: runs the seeded recipe <c>make_bench_model.py</c> (Debian's python3 with python3-onnx
/// and python3-numpy) into a cache outside the repository, <c>$XDG_CACHE_HOME/edgellm/bench-models/NAME</c>, and reuses
/// it while the spec and the recipe are unchanged (a stamp holds both). Made in a side directory and renamed, so an
/// interrupted build never leaves a half model behind.
/// </summary>
internal static class SyntheticModelBuilder
{
    public const string ScriptName = "make_bench_model.py";
    private const string StampName = "edgellm-bench-model.json";

    /// <summary>The recipe's interpreter: <c>EDGELLM_PYTHON</c>, else Debian's python3 (a pyenv python3 on PATH lacks onnx).</summary>
    public static string Python => Environment.GetEnvironmentVariable("EDGELLM_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The default cache root: <c>$XDG_CACHE_HOME/edgellm/bench-models</c> or <c>~/.cache/edgellm/bench-models</c>.</summary>
    public static string DefaultCacheRoot =>
        // Without any home folder, under the working folder.
        UserCacheFolder.Of("bench-models") ?? Path.Combine(".cache", "edgellm", "bench-models");

    /// <summary>The model directory for <paramref name="spec"/>, made first when missing or stale.</summary>
    public static async Task<string> EnsureAsync(SyntheticModelSpec spec, string? cacheRoot, TextWriter progress, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Bench", "Synthetic", ScriptName);
        if (!File.Exists(script))
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable", $"{script} is missing from the installation");
        }
        var specJson = JsonSerializer.Serialize(spec, BenchJson.Default.SyntheticModelSpec);
        var stamp = new JsonObject
        {
            ["spec"] = specJson,
            ["recipe_sha256"] = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(script, cancellationToken).ConfigureAwait(false))),
        }.ToJsonString();
        var root = cacheRoot ?? DefaultCacheRoot;
        var directory = Path.Combine(root, spec.Name);
        var stampPath = Path.Combine(directory, StampName);
        if (File.Exists(stampPath) && await File.ReadAllTextAsync(stampPath, cancellationToken).ConfigureAwait(false) == stamp)
        {
            return directory;
        }
        Directory.CreateDirectory(root);
        var partial = Path.Combine(root, $".{spec.Name}.partial-{Environment.ProcessId}");
        await progress.WriteLineAsync($"bench: making {spec.Name} (random weights, seed {spec.Seed}) in {directory}...").ConfigureAwait(false);
        try
        {
            await RunRecipeAsync(script, specJson, partial, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(partial, StampName), stamp, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            Directory.Move(partial, directory);
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
        return directory;
    }

    private static async Task RunRecipeAsync(string script, string specJson, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python, [script, specJson, output]) { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable",
                $"cannot start {Python} to make the bench model (install python3-onnx and python3-numpy, or set EDGELLM_PYTHON): {e.Message}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await stdout.ConfigureAwait(false);
            var error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new CliException(ExitCodes.ModelUnavailable, "model_unavailable",
                    $"{ScriptName} exited with {process.ExitCode} (python3-onnx and python3-numpy installed?): {error.Trim()}");
            }
        }
    }
}
