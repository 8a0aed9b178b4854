namespace EdgeLLM.Cli.Tests.Ota.Support;

/// <summary>
/// Model-like directories for the CLI tests (genai_config.json, weights, tokenizer, smoke.json, edgellm_model.json),
/// or copies of <c>EDGELLM_OTA_TEST_MODEL_DIR</c> (for example <c>models-distilled/iot-assist</c>) when it is set.
/// </summary>
internal static class CliModelDirectory
{
    public const string ModelId = "iot-test";

    public static string Create(string directory, string version, int weightBytes = 64 * 1024)
    {
        var source = Environment.GetEnvironmentVariable("EDGELLM_OTA_TEST_MODEL_DIR");
        Directory.CreateDirectory(directory);
        if (!string.IsNullOrEmpty(source))
        {
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(directory, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        else
        {
            File.WriteAllText(Path.Combine(directory, "genai_config.json"),
                """{"model":{"type":"llama","context_length":512,"decoder":{"filename":"model.onnx","num_hidden_layers":4}},"search":{"max_length":512}}""");
            var weights = new byte[weightBytes];
            new Random(version.GetHashCode(StringComparison.Ordinal)).NextBytes(weights);
            File.WriteAllBytes(Path.Combine(directory, "model.onnx"), weights);
            File.WriteAllText(Path.Combine(directory, "tokenizer.json"), $$$"""{"model":{"type":"BPE","vocab":{"a":0,"b":1}},"v":"{{{version}}}"}""");
            File.WriteAllText(Path.Combine(directory, "smoke.json"), """{"cases":[{"prompt_ids":[1,2],"output_ids":[3]}]}""");
        }

        File.WriteAllText(Path.Combine(directory, "edgellm_model.json"), $$"""{"id":"{{ModelId}}","version":"{{version}}"}""");
        return directory;
    }

    /// <summary>True when <paramref name="actual"/> holds exactly the files of <paramref name="expected"/>, byte for byte.</summary>
    public static bool HasSameFiles(string expected, string? actual)
    {
        if (actual is null || !Directory.Exists(actual))
        {
            return false;
        }

        var want = RelativeFiles(expected);
        if (!want.SequenceEqual(RelativeFiles(actual)))
        {
            return false;
        }

        return want.All(f => File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))));
    }

    private static List<string> RelativeFiles(string root)
    {
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
