using System.Text;
using EdgeLLM.Cli.Bench.Gguf;

namespace EdgeLLM.Cli.Tests.Bench;

public class GgufWriterTests
{
    /// <summary>Reads the file back the way the GGUF v3 spec lays it out (what llama.cpp's loader does).</summary>
    [Fact]
    public void Written_file_reads_back_per_the_gguf_v3_layout_with_aligned_tensor_data()
    {
        var stream = new MemoryStream();
        var q4 = new GgufTensor("blk.0.ffn_up.weight", [64, 3], GgmlType.Q4_0);
        var norm = new GgufTensor("output_norm.weight", [5], GgmlType.F32);
        var q4Data = Enumerable.Range(0, (int)q4.Bytes).Select(i => (byte)i).ToArray();
        var normData = Enumerable.Range(0, (int)norm.Bytes).Select(i => (byte)(255 - i)).ToArray();
        using (var gguf = new GgufWriter(stream))
        {
            gguf.Add("general.architecture", "qwen2");
            gguf.Add("qwen2.block_count", 1u);
            gguf.Add("tokenizer.ggml.tokens", ["a", "é"]);
            gguf.Add("tokenizer.ggml.token_type", [3, 1]);
            gguf.Declare(q4);
            gguf.Declare(norm);
            gguf.WriteHeader();
            gguf.WriteTensorData(q4Data);
            gguf.WriteTensorData(normData);
        }
        Assert.Equal(2 * 3 * 18, q4.Bytes);

        stream.Position = 0;
        using var r = new BinaryReader(stream, Encoding.UTF8);
        Assert.Equal("GGUF"u8.ToArray(), r.ReadBytes(4));
        Assert.Equal(3u, r.ReadUInt32());
        Assert.Equal(2ul, r.ReadUInt64());
        var kvCount = r.ReadUInt64();
        Assert.Equal(5ul, kvCount); // general.alignment comes first, then the four added
        string Str() => Encoding.UTF8.GetString(r.ReadBytes((int)r.ReadUInt64()));
        var keys = new Dictionary<string, object>();
        for (var i = 0ul; i < kvCount; i++)
        {
            var key = Str();
            keys[key] = r.ReadUInt32() switch
            {
                4 => r.ReadUInt32(),
                8 => Str(),
                9 => ReadArray(),
                var t => throw new InvalidDataException($"type {t}"),
            };
        }
        object ReadArray()
        {
            var type = r.ReadUInt32();
            var n = (int)r.ReadUInt64();
            return type == 8 ? Enumerable.Range(0, n).Select(_ => Str()).ToArray() : Enumerable.Range(0, n).Select(_ => (object)r.ReadInt32()).ToArray();
        }
        Assert.Equal(32u, keys["general.alignment"]);
        Assert.Equal("qwen2", keys["general.architecture"]);
        Assert.Equal(new[] { "a", "é" }, (string[])keys["tokenizer.ggml.tokens"]);
        var infos = new List<(string Name, ulong[] Dims, uint Type, ulong Offset)>();
        for (var i = 0; i < 2; i++)
        {
            var name = Str();
            var dims = Enumerable.Range(0, (int)r.ReadUInt32()).Select(_ => r.ReadUInt64()).ToArray();
            infos.Add((name, dims, r.ReadUInt32(), r.ReadUInt64()));
        }
        Assert.Equal(("blk.0.ffn_up.weight", 2u), (infos[0].Name, infos[0].Type));
        Assert.Equal(new ulong[] { 64, 3 }, infos[0].Dims);
        Assert.Equal(0ul, infos[0].Offset);
        Assert.Equal(128ul, infos[1].Offset); // 108 bytes padded to 32
        var dataStart = (stream.Position + 31) / 32 * 32;
        Assert.Equal(q4Data, stream.ToArray().AsSpan((int)dataStart, q4Data.Length).ToArray());
        Assert.Equal(normData, stream.ToArray().AsSpan((int)dataStart + 128, normData.Length).ToArray());
    }

    [Fact]
    public void Tensor_data_of_the_wrong_size_is_refused()
    {
        using var gguf = new GgufWriter(new MemoryStream());
        gguf.Declare(new GgufTensor("t", [32], GgmlType.Q4_0));
        gguf.WriteHeader();
        Assert.Throws<InvalidOperationException>(() => gguf.WriteTensorData(new byte[17]));
        gguf.WriteTensorData(new byte[18]);
    }
}
