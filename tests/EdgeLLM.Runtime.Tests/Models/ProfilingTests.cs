using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Models;

public class ProfilingTests
{
    [Fact]
    public void Enable_profiling_in_session_options_writes_onnx_runtimes_per_node_trace()
    {
        var dir = Directory.CreateTempSubdirectory("edgellm-profile-");
        try
        {
            var model = Path.Combine(dir.FullName, "model");
            Directory.CreateDirectory(model);
            foreach (var file in Directory.EnumerateFiles(TestPaths.DefaultModel))
            {
                File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
            }
            var configPath = Path.Combine(model, "genai_config.json");
            var config = JsonNode.Parse(File.ReadAllText(configPath))!;
            var prefix = Path.Combine(dir.FullName, "trace");
            config["model"]!["decoder"]!["session_options"]!["enable_profiling"] = prefix;
            File.WriteAllText(configPath, config.ToJsonString());

            Assert.Equal(prefix, GenAiConfig.Load(configPath).Model.Decoder.SessionOptions.EnableProfiling);
            LanguageModel.Load(model, new ModelLoadOptions { IntraOpThreads = 1 }).Dispose();

            // ORT writes the trace when the session ends: a JSON array of events naming the graph's nodes.
            var trace = Assert.Single(Directory.GetFiles(dir.FullName, "trace*.json"));
            using var doc = JsonDocument.Parse(File.ReadAllText(trace));
            Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("cat").GetString() == "Session");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
