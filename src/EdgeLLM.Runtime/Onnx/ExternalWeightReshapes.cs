using System.Buffers.Binary;
using System.Globalization;
using static EdgeLLM.Runtime.Onnx.OnnxField;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Turns a constant <c>Reshape</c> of a weight kept in an external data file into a second initializer over the same
/// bytes of the same file, with the new shape. A reshape does not move bytes, but ONNX Runtime folds a constant one by
/// copying the tensor into memory: the builder's int4 graphs with tied embeddings reshape the LM head's
/// [vocab, blocks, 16] weight to [vocab, hidden / 2] for the embedding's <c>GatherBlockQuantized</c>, and on
/// qwen2.5-0.5b that copy is 68 MB that stays resident beside the LM head's prepacked weight. Two initializers over one
/// file range are mapped, not copied: the LM head's is prepacked and let go, the embedding's pages become resident
/// only for the rows a prompt gathers.
/// </summary>
/// <remarks>
/// Only the graph's bytes change (the Reshape node leaves, the new initializer joins); the files on disk stay the
/// builder's. A reshape whose shape is not an inline int64 constant, whose source lies inline or has no static shape,
/// or whose result is a graph output is left to ONNX Runtime.
/// </remarks>
internal static class ExternalWeightReshapes
{
    /// <summary>What the rewrite did: how many reshapes became initializers, and the bytes they would have copied.</summary>
    public readonly record struct Folded(int Count, long Bytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Count} reshaped {(Count == 1 ? "weight" : "weights")} mapped from the model's data file instead of copied ({Bytes / 1048576.0:F1} MiB)");
    }

    /// <summary>The model with every such reshape folded, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static byte[]? TryFold(byte[] model, out Folded folded)
    {
        folded = default;
        if (OnnxModelBytes.Open(model) is not { } opened)
        {
            return null;
        }
        var graph = opened.Graph;
        var initializers = new Dictionary<string, Initializer>(StringComparer.Ordinal);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in opened.GraphFields)
        {
            if (field.Number == GraphInitializer && field.Type == WireType.LengthDelimited && Initializer.Read(graph[field.Payload]) is { } t)
            {
                initializers[t.Name] = t;
            }
            else if (field.Number == GraphOutput && field.Type == WireType.LengthDelimited)
            {
                outputs.Add(ProtoReader.FirstString(graph.Span[field.Payload], 1) ?? ""); // ValueInfoProto.name
            }
        }
        var replaced = new Dictionary<int, byte[]>();
        long bytes = 0;
        foreach (var node in opened.Nodes)
        {
            if (node.OpType != "Reshape" || node.Inputs.Length != 2 || node.Outputs.Length != 1 || outputs.Contains(node.Outputs[0])
                || !initializers.TryGetValue(node.Inputs[0], out var source) || !source.External || source.Dims is not { } dims
                || !initializers.TryGetValue(node.Inputs[1], out var shape) || shape.Int64Values() is not { } target
                || TargetDims(dims, target, node.IntAttributes.GetValueOrDefault("allowzero") != 0) is not { } reshaped)
            {
                continue;
            }
            replaced[node.FieldIndex] = ProtoSegments.Field(GraphInitializer, source.Renamed(node.Outputs[0], reshaped));
            bytes += source.ExternalLength;
        }
        if (replaced.Count == 0)
        {
            return null;
        }
        var graphOut = new ProtoSegments(graph);
        for (var i = 0; i < opened.GraphFields.Count; i++)
        {
            // The node's place takes the initializer: field order does not matter to ONNX, and the graph stays one pass.
            if (replaced.TryGetValue(i, out var initializer))
            {
                graphOut.Add(initializer);
            }
            else
            {
                graphOut.Add(opened.GraphFields[i].Whole);
            }
        }
        folded = new Folded(replaced.Count, bytes);
        return opened.WithGraph(graphOut);
    }

    /// <summary>
    /// ONNX Reshape's result dimensions for <paramref name="source"/> and the shape input <paramref name="shape"/>:
    /// -1 once at most (inferred), 0 copies the source's dimension unless <paramref name="allowZero"/>; null when the
    /// shape does not fit the source's element count.
    /// </summary>
    internal static long[]? TargetDims(long[] source, long[] shape, bool allowZero)
    {
        long total = 1;
        foreach (var d in source)
        {
            total *= d;
        }
        var dims = new long[shape.Length];
        long known = 1;
        var inferred = -1;
        for (var i = 0; i < shape.Length; i++)
        {
            var v = shape[i];
            if (v == -1 && inferred < 0)
            {
                inferred = i;
                continue;
            }
            if (v < 0 || (v == 0 && !allowZero && i >= source.Length))
            {
                return null;
            }
            dims[i] = v == 0 && !allowZero ? source[i] : v;
            known *= dims[i];
        }
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                return null;
            }
            dims[inferred] = total / known;
            known *= dims[inferred];
        }
        return known == total ? dims : null;
    }

    /// <summary>An initializer's TensorProto as the fold reads it: name, dims, where its bytes lie.</summary>
    private sealed record Initializer(string Name, long[]? Dims, int DataType, bool External, long ExternalLength, ReadOnlyMemory<byte> Bytes, Range? RawData, List<ulong> Int64Data)
    {
        public static Initializer? Read(ReadOnlyMemory<byte> memory)
        {
            var tensor = memory.Span;
            string? name = null;
            var dims = new List<long>();
            int dataType = 0;
            var external = false;
            long length = 0;
            Range? raw = null;
            var int64 = new List<ulong>();
            foreach (var f in ProtoReader.Fields(tensor))
            {
                switch (f.Number, f.Type)
                {
                    case (TensorName, WireType.LengthDelimited): name = ProtoReader.String(tensor, f); break;
                    case (TensorDims, WireType.Varint): dims.Add((long)f.Varint); break;
                    case (TensorDims, WireType.LengthDelimited): dims.AddRange(ProtoReader.PackedVarints(tensor[f.Payload]).Select(v => (long)v)); break;
                    case (TensorDataType, WireType.Varint): dataType = (int)f.Varint; break;
                    case (TensorDataLocation, WireType.Varint): external = f.Varint == DataLocationExternal; break;
                    case (TensorRawData, WireType.LengthDelimited): raw = f.Payload; break;
                    case (TensorInt64Data, WireType.Varint): int64.Add(f.Varint); break;
                    case (TensorInt64Data, WireType.LengthDelimited): int64.AddRange(ProtoReader.PackedVarints(tensor[f.Payload])); break;
                    case (TensorExternalData, WireType.LengthDelimited):
                        if (Entry(tensor[f.Payload]) is ("length", { } text) && long.TryParse(text, out var l))
                        {
                            length = l;
                        }
                        break;
                }
            }
            return name is null ? null : new Initializer(name, dims.Count > 0 && dims.TrueForAll(d => d >= 0) ? [.. dims] : null, dataType, external, length, memory, raw, int64);
        }

        /// <summary>The values of an inline int64 tensor (a Reshape's shape), or null for any other tensor.</summary>
        public long[]? Int64Values()
        {
            if (DataType != ElementTypeInt64 || External)
            {
                return null;
            }
            if (RawData is { } r)
            {
                var raw = Bytes.Span[r];
                if (raw.Length % 8 != 0)
                {
                    return null;
                }
                var values = new long[raw.Length / 8];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
                }
                return values;
            }
            return Int64Data.Select(v => (long)v).ToArray();
        }

        /// <summary>This tensor's bytes under another name and shape: data type, location and external data as they were.</summary>
        public byte[] Renamed(string name, long[] dims)
        {
            var w = new ProtoWriter(Bytes.Length + name.Length + 16);
            foreach (var d in dims)
            {
                w.Varint(TensorDims, (ulong)d);
            }
            foreach (var f in ProtoReader.Fields(Bytes.Span))
            {
                if (f.Number is not (TensorDims or TensorName))
                {
                    w.Raw(Bytes.Span[f.Whole]);
                }
            }
            w.String(TensorName, name);
            return w.Written.ToArray();
        }

        private static (string? Key, string? Value) Entry(ReadOnlySpan<byte> entry) =>
            (ProtoReader.FirstString(entry, EntryKey), ProtoReader.FirstString(entry, EntryValue));
    }
}
