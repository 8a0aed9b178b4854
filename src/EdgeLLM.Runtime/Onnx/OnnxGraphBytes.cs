namespace EdgeLLM.Runtime.Onnx;

/// <summary>ONNX field numbers (onnx.proto) that EdgeLLM's load-time graph edits read or write.</summary>
internal static class OnnxField
{
    public const int ModelGraph = 7;
    public const int GraphNode = 1;
    public const int GraphInitializer = 5;
    public const int GraphInput = 11;
    public const int GraphOutput = 12;
    public const int NodeInput = 1;
    public const int NodeOutput = 2;
    public const int NodeName = 3;
    public const int NodeOpType = 4;
    public const int NodeAttribute = 5;
    public const int AttributeName = 1;
    public const int AttributeInt = 3;
    public const int AttributeType = 20;
    public const int AttributeTypeInt = 2;
    public const int TensorDims = 1;
    public const int TensorDataType = 2;
    public const int TensorInt64Data = 7;
    public const int TensorName = 8;
    public const int TensorRawData = 9;
    public const int TensorExternalData = 13;
    public const int TensorDataLocation = 14;

    /// <summary><c>StringStringEntryProto</c>'s key and value (a tensor's <c>external_data</c> entries).</summary>
    public const int EntryKey = 1;
    public const int EntryValue = 2;

    /// <summary><c>TensorProto.DataType.INT64</c>.</summary>
    public const int ElementTypeInt64 = 7;

    /// <summary><c>TensorProto.DataLocation.EXTERNAL</c>: the bytes lie in a file beside the model.</summary>
    public const int DataLocationExternal = 1;
}

/// <summary>A model's bytes opened down to its graph's fields and nodes, and put back together around a new graph.</summary>
internal sealed class OnnxModelBytes
{
    private OnnxModelBytes(byte[] model, List<ProtoField> modelFields, ProtoField graphField)
    {
        Model = model;
        ModelFields = modelFields;
        GraphField = graphField;
        Graph = model.AsMemory(graphField.Payload);
        GraphFields = ProtoReader.Fields(Graph.Span);
        Nodes = GraphFields.Select((f, i) => (Field: f, Index: i)).Where(x => x.Field.Number == OnnxField.GraphNode)
            .Select(x => OnnxNode.Read(Graph.Span[x.Field.Payload], x.Index)).ToList();
    }

    public byte[] Model { get; }

    public List<ProtoField> ModelFields { get; }

    public ProtoField GraphField { get; }

    public ReadOnlyMemory<byte> Graph { get; }

    public List<ProtoField> GraphFields { get; }

    /// <summary>The graph's nodes in file order, each with the index of its field in <see cref="GraphFields"/>.</summary>
    public List<OnnxNode> Nodes { get; }

    /// <summary>The model's graph, or null when the model has none.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static OnnxModelBytes? Open(byte[] model)
    {
        var fields = ProtoReader.Fields(model);
        var graph = fields.LastOrDefault(f => f.Number == OnnxField.ModelGraph && f.Type == WireType.LengthDelimited);
        return graph.Number == 0 ? null : new OnnxModelBytes(model, fields, graph);
    }

    /// <summary>The model with its graph replaced by <paramref name="graph"/> and every other field as it was.</summary>
    public byte[] WithGraph(ProtoSegments graph)
    {
        var modelOut = new ProtoSegments(Model);
        foreach (var field in ModelFields)
        {
            if (field == GraphField)
            {
                modelOut.Add(ProtoSegments.LengthPrefix(OnnxField.ModelGraph, graph.Length));
                modelOut.Add(graph);
            }
            else
            {
                modelOut.Add(field.Whole);
            }
        }
        return modelOut.ToArray();
    }
}

/// <summary>A node's names and integer attributes, read from its bytes.</summary>
internal sealed record OnnxNode(int FieldIndex, string Name, string OpType, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, long> IntAttributes)
{
    public static OnnxNode Read(ReadOnlySpan<byte> node, int fieldIndex)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var ints = new Dictionary<string, long>(StringComparer.Ordinal);
        string name = "", op = "";
        foreach (var f in ProtoReader.Fields(node))
        {
            if (f.Type != WireType.LengthDelimited)
            {
                continue;
            }
            switch (f.Number)
            {
                case OnnxField.NodeInput: inputs.Add(ProtoReader.String(node, f)); break;
                case OnnxField.NodeOutput: outputs.Add(ProtoReader.String(node, f)); break;
                case OnnxField.NodeName: name = ProtoReader.String(node, f); break;
                case OnnxField.NodeOpType: op = ProtoReader.String(node, f); break;
                case OnnxField.NodeAttribute: ReadIntAttribute(node[f.Payload], ints); break;
            }
        }
        return new OnnxNode(fieldIndex, name, op, [.. inputs], [.. outputs], ints);
    }

    /// <summary>The node's bytes with its first input renamed, every other field as it was.</summary>
    public static byte[] WithFirstInput(ReadOnlySpan<byte> node, string input)
    {
        var w = new ProtoWriter(node.Length + input.Length + 8);
        var replaced = false;
        foreach (var f in ProtoReader.Fields(node))
        {
            if (!replaced && f.Number == OnnxField.NodeInput && f.Type == WireType.LengthDelimited)
            {
                w.String(OnnxField.NodeInput, input);
                replaced = true;
            }
            else
            {
                w.Raw(node[f.Whole]);
            }
        }
        return w.Written.ToArray();
    }

    private static void ReadIntAttribute(ReadOnlySpan<byte> attribute, Dictionary<string, long> into)
    {
        string? name = null;
        long? value = null;
        foreach (var f in ProtoReader.Fields(attribute))
        {
            if (f.Number == OnnxField.AttributeName && f.Type == WireType.LengthDelimited)
            {
                name = ProtoReader.String(attribute, f);
            }
            else if (f.Number == OnnxField.AttributeInt && f.Type == WireType.Varint)
            {
                value = (long)f.Varint;
            }
        }
        if (name is not null && value is { } v)
        {
            into[name] = v;
        }
    }
}

/// <summary>An output message as a list of pieces, byte ranges of the source or new bytes, copied once into an
/// array of the final length: a model with inline weights costs one copy of itself, not one per nesting level.</summary>
internal sealed class ProtoSegments(ReadOnlyMemory<byte> source)
{
    private readonly List<object> _parts = [];

    public long Length { get; private set; }

    public void Add(Range range)
    {
        _parts.Add(source[range]);
        Length += source[range].Length;
    }

    public void Add(byte[] bytes)
    {
        _parts.Add(new ReadOnlyMemory<byte>(bytes));
        Length += bytes.Length;
    }

    public void Add(ProtoSegments nested)
    {
        _parts.Add(nested);
        Length += nested.Length;
    }

    /// <summary>One length-delimited field of <paramref name="number"/> around <paramref name="payload"/>.</summary>
    public static byte[] Field(int number, ReadOnlySpan<byte> payload)
    {
        var w = new ProtoWriter(payload.Length + 8);
        w.Bytes(number, payload);
        return w.Written.ToArray();
    }

    /// <summary>The tag and length of a field whose payload follows as other segments.</summary>
    public static byte[] LengthPrefix(int number, long length)
    {
        var w = new ProtoWriter(16);
        w.LengthPrefix(number, (ulong)length);
        return w.Written.ToArray();
    }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        var written = CopyTo(result);
        return written == result.Length ? result : throw new InvalidOperationException("segment lengths disagree");
    }

    private int CopyTo(Span<byte> target)
    {
        var offset = 0;
        foreach (var part in _parts)
        {
            if (part is ProtoSegments nested)
            {
                offset += nested.CopyTo(target[offset..]);
            }
            else
            {
                var bytes = (ReadOnlyMemory<byte>)part;
                bytes.Span.CopyTo(target[offset..]);
                offset += bytes.Length;
            }
        }
        return offset;
    }
}
