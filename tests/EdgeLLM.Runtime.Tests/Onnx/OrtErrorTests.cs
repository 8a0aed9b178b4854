using System.Text.Json.Nodes;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;

namespace EdgeLLM.Runtime.Tests.Onnx;

public class OrtErrorTests
{
    /// <summary>A copy of the default model whose files <paramref name="change"/> may break.</summary>
    private static void WithModelCopy(Action<string> change, Action<string> test)
    {
        var dir = Directory.CreateTempSubdirectory("edgellm-orterr-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(TestPaths.DefaultModel))
            {
                File.Copy(file, Path.Combine(dir.FullName, Path.GetFileName(file)));
            }
            change(dir.FullName);
            test(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_corrupt_decoder_file_is_a_model_load_error_with_onnxruntimes_message_and_code()
    {
        WithModelCopy(dir =>
        {
            var garbage = new byte[4096];
            new Random(3).NextBytes(garbage);
            File.WriteAllBytes(Path.Combine(dir, "model.onnx"), garbage);
        }, dir =>
        {
            var e = Assert.Throws<ModelLoadException>(() => LanguageModel.Load(dir, new ModelLoadOptions { IntraOpThreads = 1 }));
            Assert.Equal(OrtErrorCode.InvalidProtobuf, e.OnnxRuntimeError);
            Assert.Contains("model.onnx: ONNX Runtime cannot load it: ", e.Message);
            Assert.DoesNotContain("[ErrorCode:", e.Message);
        });
    }

    [Fact]
    public void A_session_config_entry_onnxruntime_refuses_is_a_model_load_error_with_its_code()
    {
        WithModelCopy(dir =>
        {
            var path = Path.Combine(dir, "genai_config.json");
            var config = JsonNode.Parse(File.ReadAllText(path))!;
            // ORT parses the affinity list when it makes the session's thread pool.
            config["model"]!["decoder"]!["session_options"]!["config_entries"] = new JsonObject { ["session.intra_op_thread_affinities"] = "not-an-affinity" };
            File.WriteAllText(path, config.ToJsonString());
        }, dir =>
        {
            var e = Assert.Throws<ModelLoadException>(() => LanguageModel.Load(dir, new ModelLoadOptions { IntraOpThreads = 2 }));
            Assert.NotNull(e.OnnxRuntimeError);
        });
    }

    [Fact]
    public void A_provider_this_build_lacks_falls_back_to_cpu_with_onnxruntimes_reason()
    {
        using var model = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions
        {
            IntraOpThreads = 1,
            Providers = [new ProviderOptions("qnn", new Dictionary<string, string> { ["backend_path"] = "libQnnHtp.so" })],
        });
        Assert.Equal("CPUExecutionProvider", model.ExecutionProvider);
        var qnn = model.ProviderAttempts[0];
        Assert.Equal("QNNExecutionProvider", qnn.Provider);
        Assert.False(qnn.Chosen);
        Assert.Contains("QNN execution provider is not supported in this build", qnn.Reason);
    }

    [Fact]
    public void Cuda_on_a_cpu_only_build_falls_back_to_cpu_with_a_reason()
    {
        using var model = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions
        {
            IntraOpThreads = 1,
            Providers = [new ProviderOptions("cuda", new Dictionary<string, string> { ["device_id"] = "0" })],
        });
        Assert.Equal("CPUExecutionProvider", model.ExecutionProvider);
        Assert.False(model.ProviderAttempts[0].Chosen);
        Assert.False(string.IsNullOrWhiteSpace(model.ProviderAttempts[0].Reason));
    }
}
