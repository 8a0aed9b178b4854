using System.Diagnostics;
using System.Text.Json;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// Runs a script of one of the npm client folders under tests/EdgeLLM.Service.Tests (OpenAiClient, OllamaClient; their
/// packages installed by tests/setup-test-assets.sh) with node, and reads the one JSON object it prints.
/// </summary>
internal static class NodeScript
{
    /// <summary>The client folder <paramref name="name"/> of this test project in the checkout.</summary>
    public static string ClientDir(string name) =>
        Path.GetFullPath(Path.Combine(DefaultModelSmoke.Directory, "..", "..", "tests", "EdgeLLM.Service.Tests", name));

    /// <param name="clientDir">The folder holding the script and its node_modules.</param>
    /// <param name="packages">npm packages the script needs: a missing one fails with the set-up command to run.</param>
    /// <param name="script">The script's file name.</param>
    /// <param name="arguments">Its arguments.</param>
    public static async Task<JsonDocument> RunAsync(string clientDir, IEnumerable<string> packages, string script, params string[] arguments)
    {
        foreach (var package in packages)
        {
            Assert.True(File.Exists(Path.Combine(clientDir, "node_modules", package, "package.json")),
                $"the npm package {package} is not installed in {clientDir}: run tests/setup-test-assets.sh");
        }
        var start = new ProcessStartInfo("node", [Path.Combine(clientDir, script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = clientDir,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node {script} failed (the client threw): {await stderr}");
        return JsonDocument.Parse(await stdout);
    }
}
