using System.Buffers.Binary;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Tests.Onnx;

/// <summary>
/// A model written byte by byte for the load-time graph edits: a [2, 32, 16] float weight (4 KiB), inline or in
/// <c>w.bin</c> at offset 4096, optionally reshaped to [64, 16], gathered by the <c>ids</c> input into <c>y</c> — the
/// shape of a tied embedding's int4 weight reshaped for <c>GatherBlockQuantized</c>.
/// </summary>
internal static class OnnxTestModel
{
    public const int WeightBytes = 2 * 32 * 16 * 4;
    public const int DataOffset = 4096;
    private const int Float = 1;

    /// <summary>Element i of the weight.</summary>
    public static float Element(int i) => i * 0.5f - 3;

    public static byte[] WeightData()
    {
        var bytes = new byte[WeightBytes];
        for (var i = 0; i < WeightBytes / 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), Element(i));
        }
        return bytes;
    }

    /// <summary>Writes <c>w.bin</c> (4096 bytes of padding, then the weight) into <paramref name="dir"/>.</summary>
    public static void WriteDataFile(string dir) => File.WriteAllBytes(Path.Combine(dir, "w.bin"), [.. new byte[DataOffset], .. WeightData()]);

    public static byte[] Model(bool reshape = true, bool external = true, bool reshapeIsOutput = false, long[]? shape = null)
    {
        var model = new ProtoWriter();
        model.Varint(1, 8); // ir_version
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 17); }); // opset_import
        model.Message(7, g =>
        {
            if (reshape)
            {
                g.Message(1, n => { n.String(1, "w"); n.String(1, "shape"); n.String(2, "reshaped"); n.String(3, "reshape"); n.String(4, "Reshape"); });
            }
            g.Message(1, n => { n.String(1, reshape ? "reshaped" : "w"); n.String(1, "ids"); n.String(2, "y"); n.String(3, "gather"); n.String(4, "Gather"); });
            g.String(2, "g");
            g.Message(5, t =>
            {
                foreach (var d in new long[] { 2, 32, 16 })
                {
                    t.Varint(1, (ulong)d);
                }
                t.Varint(2, Float);
                t.String(8, "w");
                if (external)
                {
                    t.Message(13, e => { e.String(1, "location"); e.String(2, "w.bin"); });
                    t.Message(13, e => { e.String(1, "offset"); e.String(2, DataOffset.ToString(System.Globalization.CultureInfo.InvariantCulture)); });
                    t.Message(13, e => { e.String(1, "length"); e.String(2, WeightBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)); });
                    t.Varint(14, 1);
                }
                else
                {
                    t.Bytes(9, WeightData());
                }
            });
            var s = shape ?? [64, 16];
            g.Message(5, t =>
            {
                t.Varint(1, (ulong)s.Length);
                t.Varint(2, 7);
                t.String(8, "shape");
                var raw = new byte[8 * s.Length];
                for (var i = 0; i < s.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), s[i]);
                }
                t.Bytes(9, raw);
            });
            g.Message(11, v => { v.String(1, "ids"); v.Message(2, ty => ty.Message(1, tt => { tt.Varint(1, 7); tt.Message(2, sh => sh.Message(1, d => d.String(2, "n"))); })); });
            g.Message(12, v => { v.String(1, "y"); v.Message(2, ty => ty.Message(1, tt => tt.Varint(1, Float))); });
            if (reshapeIsOutput && reshape)
            {
                g.Message(12, v => { v.String(1, "reshaped"); v.Message(2, ty => ty.Message(1, tt => tt.Varint(1, Float))); });
            }
        });
        return model.Written.ToArray();
    }

    /// <summary>Rows of the gathered weight, flattened.</summary>
    public static float[] Gather(InferenceSession session, long[] rows)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [rows.Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["ids"], [input], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>A session over the model file, on the ONNX Runtime library EdgeLLM chose.</summary>
    public static InferenceSession FromFile(string path)
    {
        EdgeLLM.Runtime.Onnx.OrtEnvironment.EnsureCreated();
        return new InferenceSession(path);
    }

    /// <summary>A session over model bytes whose external data lies in <paramref name="dir"/>.</summary>
    public static InferenceSession FromBytes(byte[] model, string dir)
    {
        // EdgeLLM's loader picks the ONNX Runtime library once per process; a session opened before it would pick another.
        EdgeLLM.Runtime.Onnx.OrtEnvironment.EnsureCreated();
        using var options = new SessionOptions();
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", dir);
        return new InferenceSession(model, options);
    }

    /// <summary>The graph's initializers, as their TensorProto bytes.</summary>
    public static List<byte[]> Initializers(byte[] model)
    {
        var graph = OnnxModelBytes.Open(model)!;
        return graph.GraphFields.Where(f => f.Number == OnnxField.GraphInitializer).Select(f => graph.Graph[f.Payload].ToArray()).ToList();
    }

    public static string Name(byte[] tensor) =>
        ProtoReader.Fields(tensor).Where(f => f.Number == OnnxField.TensorName).Select(f => ProtoReader.String(tensor, f)).Single();

    public static long[] Dims(byte[] tensor) =>
        ProtoReader.Fields(tensor).Where(f => f.Number == OnnxField.TensorDims).Select(f => (long)f.Varint).ToArray();

    /// <summary>A tensor's external data entries (location, offset, length).</summary>
    public static Dictionary<string, string> ExternalData(byte[] tensor)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in ProtoReader.Fields(tensor).Where(f => f.Number == OnnxField.TensorExternalData))
        {
            var entry = tensor[f.Payload];
            var fields = ProtoReader.Fields(entry);
            entries[ProtoReader.String(entry, fields.Single(x => x.Number == 1))] = ProtoReader.String(entry, fields.Single(x => x.Number == 2));
        }
        return entries;
    }
}
