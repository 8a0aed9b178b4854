using System.Buffers.Binary;
using System.Text.Json;
using EdgeLLM.Cli.Bench.Synthetic;

namespace EdgeLLM.Cli.Bench.Gguf;

/// <summary>
/// The llama.cpp twin of a bench model: a GGUF of the same shape with random Q4_0 weights (every projection and the tied
/// embedding; norms and biases float32) and the same vocabulary, read from the model's tokenizer.json so token ids mean
/// the same in both runtimes. Written next to the ONNX files as <c>model-q4_0.gguf</c>, once.
/// </summary>
internal static class SyntheticGguf
{
    public const string FileName = "model-q4_0.gguf";

    /// <summary>The GGUF path for the bench model in <paramref name="modelDirectory"/>, written first when missing.</summary>
    public static async Task<string> EnsureAsync(SyntheticModelSpec spec, string modelDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (File.Exists(path))
        {
            return path;
        }
        var (tokens, merges) = await ReadVocabularyAsync(Path.Combine(modelDirectory, "tokenizer.json"), cancellationToken).ConfigureAwait(false);
        var partial = path + ".partial";
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Write(spec, tokens, merges, file);
        }
        File.Move(partial, path, overwrite: true);
        return path;
    }

    private static async Task<(string[] Tokens, string[] Merges)> ReadVocabularyAsync(string tokenizerJson, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(tokenizerJson);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var model = doc.RootElement.GetProperty("model");
        var vocab = model.GetProperty("vocab");
        var tokens = new string[vocab.EnumerateObject().Count()];
        foreach (var entry in vocab.EnumerateObject())
        {
            tokens[entry.Value.GetInt32()] = entry.Name;
        }
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => m.GetString() ?? "").ToArray();
        return (tokens, merges);
    }

    private static void Write(SyntheticModelSpec spec, string[] tokens, string[] merges, Stream output)
    {
        var arch = spec.Type == "qwen2" ? "qwen2" : "llama";
        using var gguf = new GgufWriter(output);
        gguf.Add("general.architecture", arch);
        gguf.Add("general.name", $"{spec.Name} (random weights)");
        gguf.Add($"{arch}.context_length", (uint)spec.Context);
        gguf.Add($"{arch}.embedding_length", (uint)spec.Hidden);
        gguf.Add($"{arch}.block_count", (uint)spec.Layers);
        gguf.Add($"{arch}.feed_forward_length", (uint)spec.Mlp);
        gguf.Add($"{arch}.attention.head_count", (uint)spec.Heads);
        gguf.Add($"{arch}.attention.head_count_kv", (uint)spec.KvHeads);
        gguf.Add($"{arch}.attention.key_length", (uint)spec.Head);
        gguf.Add($"{arch}.attention.value_length", (uint)spec.Head);
        gguf.Add($"{arch}.rope.dimension_count", (uint)spec.Head);
        gguf.Add($"{arch}.attention.layer_norm_rms_epsilon", (float)spec.Eps);
        gguf.Add($"{arch}.rope.freq_base", (float)spec.RopeTheta);
        gguf.Add("tokenizer.ggml.model", "gpt2");
        gguf.Add("tokenizer.ggml.pre", arch == "qwen2" ? "qwen2" : "llama-bpe");
        gguf.Add("tokenizer.ggml.tokens", tokens);
        var types = new int[tokens.Length];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = i < spec.Specials.Length ? 3 : 1; // control tokens first, then normal ones
        }
        gguf.Add("tokenizer.ggml.token_type", types);
        gguf.Add("tokenizer.ggml.merges", merges);
        gguf.Add("tokenizer.ggml.bos_token_id", (uint)Array.IndexOf(spec.Specials, spec.Bos));
        gguf.Add("tokenizer.ggml.eos_token_id", (uint)Array.IndexOf(spec.Specials, spec.Eos[0]));

        var d = (long)spec.Hidden;
        var q = (long)spec.Heads * spec.Head;
        var kv = (long)spec.KvHeads * spec.Head;
        var tensors = new List<(GgufTensor Tensor, float Value)>
        {
            (new GgufTensor("token_embd.weight", [d, spec.Vocab], GgmlType.Q4_0), 0),
            (new GgufTensor("output_norm.weight", [d], GgmlType.F32), 1),
        };
        for (var l = 0; l < spec.Layers; l++)
        {
            var b = $"blk.{l}";
            tensors.Add((new GgufTensor($"{b}.attn_norm.weight", [d], GgmlType.F32), 1));
            tensors.Add((new GgufTensor($"{b}.attn_q.weight", [d, q], GgmlType.Q4_0), 0));
            tensors.Add((new GgufTensor($"{b}.attn_k.weight", [d, kv], GgmlType.Q4_0), 0));
            tensors.Add((new GgufTensor($"{b}.attn_v.weight", [d, kv], GgmlType.Q4_0), 0));
            if (spec.QkvBias)
            {
                tensors.Add((new GgufTensor($"{b}.attn_q.bias", [q], GgmlType.F32), 0));
                tensors.Add((new GgufTensor($"{b}.attn_k.bias", [kv], GgmlType.F32), 0));
                tensors.Add((new GgufTensor($"{b}.attn_v.bias", [kv], GgmlType.F32), 0));
            }
            tensors.Add((new GgufTensor($"{b}.attn_output.weight", [q, d], GgmlType.Q4_0), 0));
            tensors.Add((new GgufTensor($"{b}.ffn_norm.weight", [d], GgmlType.F32), 1));
            tensors.Add((new GgufTensor($"{b}.ffn_gate.weight", [d, spec.Mlp], GgmlType.Q4_0), 0));
            tensors.Add((new GgufTensor($"{b}.ffn_up.weight", [d, spec.Mlp], GgmlType.Q4_0), 0));
            tensors.Add((new GgufTensor($"{b}.ffn_down.weight", [spec.Mlp, d], GgmlType.Q4_0), 0));
        }
        foreach (var (t, _) in tensors)
        {
            gguf.Declare(t);
        }
        gguf.WriteHeader();
        var random = new Random(spec.Seed);
        foreach (var (t, value) in tensors)
        {
            var data = new byte[t.Bytes];
            if (t.Type == GgmlType.Q4_0)
            {
                FillQ4(data, t.Dimensions[0], random);
            }
            else
            {
                for (var i = 0; i < data.Length; i += 4)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i), value == 0 ? 0.02f * (float)(random.NextDouble() - 0.5) : value);
                }
            }
            gguf.WriteTensorData(data);
        }
    }

    /// <summary>Random 4-bit values with a scale that keeps a row's dot products near unit size (as the ONNX recipe does).</summary>
    private static void FillQ4(byte[] data, long rowLength, Random random)
    {
        random.NextBytes(data);
        var scale = 1.0 / (4.6 * Math.Sqrt(rowLength));
        for (var block = 0; block < data.Length; block += 18)
        {
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(block), (Half)(scale * (0.75 + 0.5 * random.NextDouble())));
        }
    }
}
