using System.Diagnostics;
using System.Text.Json;
using EdgeLLM.Service.Tests.Hosting;

namespace EdgeLLM.Service.Tests.Ollama;

/// <summary>Runs a script of tests/EdgeLLM.Service.Tests/OllamaClient with node (the ollama npm client installed there by
/// tests/setup-test-assets.sh) and reads the one JSON object it prints.</summary>
internal static class NodeScript
{
    public static readonly string ClientDir = Path.GetFullPath(Path.Combine(DefaultModelSmoke.Directory, "..", "..", "tests", "EdgeLLM.Service.Tests", "OllamaClient"));

    public static async Task<JsonDocument> RunAsync(string script, params string[] arguments)
    {
        Assert.True(File.Exists(Path.Combine(ClientDir, "node_modules", "ollama", "package.json")),
            $"the ollama npm client is not installed in {ClientDir}: run tests/setup-test-assets.sh");
        var start = new ProcessStartInfo("node", [Path.Combine(ClientDir, script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ClientDir,
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
