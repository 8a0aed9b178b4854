using System.Text;
using EdgeLLM.Ota.Bundles;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>
/// Model-like directories for OTA tests: a GenAI-layout <c>genai_config.json</c>, weights, tokenizer files, a
/// <c>smoke.json</c>, <c>edgellm_model.json</c> and a nested folder. When <c>EDGELLM_OTA_TEST_MODEL_DIR</c> names a
/// real model directory (such as <c>models-distilled/iot-assist</c>), new versions are copies of it instead.
/// </summary>
internal static class TestModelDirectory
{
    public const string ModelId = "iot-test";
    public const string SourceVariable = "EDGELLM_OTA_TEST_MODEL_DIR";

    /// <summary>Creates a model directory for <paramref name="version"/> with <paramref name="weightBytes"/> of incompressible weights.</summary>
    /// <param name="allowRealModel">False for tests that depend on the generated directory's size or content.</param>
    public static string Create(string directory, string version, int weightBytes = 48 * 1024, string model = ModelId, bool allowRealModel = true)
    {
        var source = allowRealModel ? Environment.GetEnvironmentVariable(SourceVariable) : null;
        if (!string.IsNullOrEmpty(source))
        {
            if (!File.Exists(Path.Combine(source, OtaBundlePacker.GenAiConfigFile)))
            {
                throw new InvalidOperationException($"{SourceVariable}={source} has no {OtaBundlePacker.GenAiConfigFile}");
            }

            CopyDirectory(source, directory);
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(directory, "extra"));
            File.WriteAllText(Path.Combine(directory, OtaBundlePacker.GenAiConfigFile), GenAiConfig);
            var weights = new byte[weightBytes];
            new Random(HashCode.Combine(model, version).GetHashCode()).NextBytes(weights);
            File.WriteAllBytes(Path.Combine(directory, "model.onnx"), weights);
            File.WriteAllText(Path.Combine(directory, "tokenizer.json"), Tokenizer(version));
            File.WriteAllText(Path.Combine(directory, "smoke.json"), $$"""{"model":"{{model}}","version":"{{version}}","cases":[{"name":"c0","prompt_ids":[1,2,3],"output_ids":[4,5]}]}""");
            File.WriteAllText(Path.Combine(directory, "extra", "README.txt"), $"test model {model} {version}\n");
        }

        File.WriteAllText(Path.Combine(directory, OtaBundlePacker.ModelInfoFile), $$"""{"id":"{{model}}","version":"{{version}}"}""");
        return directory;
    }

    /// <summary>Asserts that <paramref name="actual"/> holds exactly the files of <paramref name="expected"/>, byte for byte.</summary>
    public static void AssertSameFiles(string expected, string actual)
    {
        var expectedFiles = RelativeFiles(expected);
        var actualFiles = RelativeFiles(actual);
        Assert.Equal(expectedFiles, actualFiles);
        foreach (var file in expectedFiles)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))),
                $"{file} differs between {expected} and {actual}");
        }
    }

    /// <summary>True when <paramref name="actual"/> holds exactly the files of <paramref name="expected"/>, byte for byte.</summary>
    public static bool HasSameFiles(string expected, string actual)
    {
        if (!Directory.Exists(actual) || !RelativeFiles(expected).SequenceEqual(RelativeFiles(actual)))
        {
            return false;
        }

        foreach (var file in RelativeFiles(expected))
        {
            if (!File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))))
            {
                return false;
            }
        }

        return true;
    }

    public static List<string> RelativeFiles(string root)
    {
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string Tokenizer(string version)
    {
        var builder = new StringBuilder("{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\",\"vocab\":{");
        for (var i = 0; i < 200; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append("\"tok").Append(i).Append('"').Append(':').Append(i);
        }

        return builder.Append("}},\"note\":\"").Append(version).Append("\"}").ToString();
    }

    private const string GenAiConfig = """
        {"model": {"type": "llama", "bos_token_id": 0, "eos_token_id": [2, 0], "pad_token_id": 0,
                   "context_length": 512, "vocab_size": 3268,
                   "decoder": {"filename": "model.onnx", "head_size": 64, "hidden_size": 256,
                               "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 4,
                               "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                               "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                                          "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"},
                               "outputs": {"logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value"}}},
         "search": {"do_sample": false, "max_length": 512, "num_beams": 1, "past_present_share_buffer": true, "temperature": 1.0, "top_k": 50, "top_p": 1.0}}
        """;
}
