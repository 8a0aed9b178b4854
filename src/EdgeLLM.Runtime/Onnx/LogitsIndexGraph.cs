using static EdgeLLM.Runtime.Onnx.OnnxField;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Gives a decoder graph an input that picks the positions whose logits are computed: a <c>GatherND</c> of the final
/// hidden states by <see cref="InputName"/> ([batch, count, 1] int64, one position index per row and output row) ahead
/// of the LM head, so that head runs for the chosen positions only. The builder's graphs apply the LM head (on a
/// 0.5B model 151,936 × 896 per position, a quarter of a prefill) to every position, and a prefill reads only the last
/// one; vLLM calls the idea logits indices, llama.cpp computes the last position only.
/// </summary>
/// <remarks>
/// The rewrite works on the model's bytes in memory: every field is copied as it lies except the LM head's node (its
/// first input becomes the gathered rows), the logits output's shape (its position dimension renamed
/// <see cref="CountDimension"/>), and two additions (the gather node, placed just before the head so the nodes stay
/// topologically sorted, and the new graph input). Weights are not touched: external data stays where it is, and
/// inline initializers are copied as byte ranges into the one output array. The files on disk stay the builder's.
/// </remarks>
internal static class LogitsIndexGraph
{
    /// <summary>The input EdgeLLM adds: [batch, count, 1] int64 positions whose logits the run returns.</summary>
    public const string InputName = "edgellm_logits_indices";

    /// <summary>The symbolic name of the logits' position dimension after the rewrite.</summary>
    public const string CountDimension = "logits_count";

    /// <summary>Ops that act on each position alone and may sit between the LM head and the logits output.</summary>
    private static readonly HashSet<string> PerPositionTail = new(StringComparer.Ordinal) { "Cast" };

    /// <summary>LM head ops: a matrix product of the hidden states ([.., positions, hidden]) by weights.</summary>
    private static readonly HashSet<string> HeadOps = new(StringComparer.Ordinal) { "MatMul", "MatMulNBits" };

    // ONNX field numbers (onnx.proto) of the value infos this rewrite reads and writes; the rest are OnnxField's.
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorElemType = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1;
    private const int DimParam = 2;

    /// <summary>
    /// The model with the index input added, or null when the graph's LM head is not of a shape this rewrite knows
    /// (<paramref name="reason"/> says why; the model is then served computing every position's logits).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static byte[]? TryRewrite(byte[] model, string logitsName, out string reason)
    {
        if (OnnxModelBytes.Open(model) is not { } opened)
        {
            reason = "the model has no graph";
            return null;
        }
        var graph = opened.Graph;
        var graphFields = opened.GraphFields;
        var nodes = opened.Nodes;
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var output in node.Outputs)
            {
                producers[output] = node;
            }
        }
        if (!producers.TryGetValue(logitsName, out var head))
        {
            reason = $"no node produces '{logitsName}'";
            return null;
        }
        while (PerPositionTail.Contains(head.OpType) && head.Inputs.Length > 0 && producers.TryGetValue(head.Inputs[0], out var before))
        {
            head = before;
        }
        if (!HeadOps.Contains(head.OpType) || head.Inputs.Length < 2)
        {
            reason = $"the LM head producing '{logitsName}' is {head.OpType}, not one of {string.Join(", ", HeadOps)}";
            return null;
        }
        var inputNames = graphFields.Where(f => f.Number == GraphInput).Select(f => ValueInfoNameOf(graph.Span[f.Payload])).ToHashSet(StringComparer.Ordinal);
        if (inputNames.Contains(InputName))
        {
            reason = $"the graph already has an input named {InputName}";
            return null;
        }

        var hidden = head.Inputs[0];
        var gathered = hidden + "/" + InputName;
        string? batchSymbol = null;
        var graphOut = new ProtoSegments(graph);
        for (var i = 0; i < graphFields.Count; i++)
        {
            var field = graphFields[i];
            if (i == head.FieldIndex)
            {
                graphOut.Add(GatherNode(hidden, gathered));
                graphOut.Add(ProtoSegments.Field(GraphNode, OnnxNode.WithFirstInput(graph.Span[field.Payload], gathered)));
            }
            else if (field.Number == GraphOutput && ValueInfoNameOf(graph.Span[field.Payload]) == logitsName
                     && RenamedPositions(graph.Span[field.Payload], logitsName, out batchSymbol) is { } output)
            {
                graphOut.Add(ProtoSegments.Field(GraphOutput, output));
            }
            else
            {
                graphOut.Add(field.Whole);
            }
        }
        graphOut.Add(ProtoSegments.Field(GraphInput, IndexInput(batchSymbol ?? "batch_size")));

        reason = $"logits computed only at the positions {InputName} names (LM head {head.OpType} '{head.Name}')";
        return opened.WithGraph(graphOut);
    }

    private static byte[] GatherNode(string hidden, string gathered)
    {
        var w = new ProtoWriter();
        w.String(NodeInput, hidden);
        w.String(NodeInput, InputName);
        w.String(NodeOutput, gathered);
        w.String(NodeName, "/edgellm/logits_gather");
        w.String(NodeOpType, "GatherND");
        // batch_dims = 1: row b of the indices picks positions of row b of the hidden states.
        w.Message(NodeAttribute, a =>
        {
            a.String(AttributeName, "batch_dims");
            a.Varint(AttributeInt, 1);
            a.Varint(AttributeType, AttributeTypeInt);
        });
        return ProtoSegments.Field(GraphNode, w.Written);
    }

    private static byte[] IndexInput(string batchSymbol)
    {
        var w = new ProtoWriter();
        w.String(ValueInfoName, InputName);
        w.Message(ValueInfoType, t => t.Message(TypeTensor, tensor =>
        {
            tensor.Varint(TensorElemType, ElementTypeInt64);
            tensor.Message(TensorShape, shape =>
            {
                shape.Message(ShapeDim, d => d.String(DimParam, batchSymbol));
                shape.Message(ShapeDim, d => d.String(DimParam, CountDimension));
                shape.Message(ShapeDim, d => d.Varint(DimValue, 1));
            });
        }));
        return w.Written.ToArray();
    }

    /// <summary>The logits output's ValueInfo with its position dimension renamed; null when it declares no rank-3
    /// tensor shape (then it is left as it is).</summary>
    private static byte[]? RenamedPositions(ReadOnlySpan<byte> valueInfo, string name, out string? batchSymbol)
    {
        batchSymbol = null;
        var type = Single(valueInfo, ValueInfoType);
        var tensor = type is { } t ? Single(valueInfo[t], TypeTensor) : null;
        if (tensor is not { } tensorRange)
        {
            return null;
        }
        var tensorBytes = valueInfo[type!.Value][tensorRange];
        var elementType = ProtoReader.Fields(tensorBytes).FirstOrDefault(f => f.Number == TensorElemType && f.Type == WireType.Varint).Varint;
        var shape = Single(tensorBytes, TensorShape);
        if (shape is not { } shapeRange || elementType == 0)
        {
            return null;
        }
        var shapeBytes = tensorBytes[shapeRange];
        var dims = new List<byte[]>();
        foreach (var f in ProtoReader.Fields(shapeBytes))
        {
            if (f.Number == ShapeDim && f.Type == WireType.LengthDelimited)
            {
                dims.Add(shapeBytes[f.Payload].ToArray());
            }
        }
        if (dims.Count != 3)
        {
            return null;
        }
        var first = ProtoReader.Fields(dims[0]).FirstOrDefault(f => f.Number == DimParam && f.Type == WireType.LengthDelimited);
        batchSymbol = first.Number == DimParam ? ProtoReader.String(dims[0], first) : null;
        var w = new ProtoWriter();
        w.String(ValueInfoName, name);
        w.Message(ValueInfoType, typeWriter => typeWriter.Message(TypeTensor, tensorWriter =>
        {
            tensorWriter.Varint(TensorElemType, elementType);
            tensorWriter.Message(TensorShape, shapeWriter =>
            {
                shapeWriter.Bytes(ShapeDim, dims[0]);
                shapeWriter.Message(ShapeDim, d => d.String(DimParam, CountDimension));
                shapeWriter.Bytes(ShapeDim, dims[2]);
            });
        }));
        return w.Written.ToArray();
    }

    private static Range? Single(ReadOnlySpan<byte> message, int number)
    {
        foreach (var f in ProtoReader.Fields(message))
        {
            if (f.Number == number && f.Type == WireType.LengthDelimited)
            {
                return f.Payload;
            }
        }
        return null;
    }

    private static string ValueInfoNameOf(ReadOnlySpan<byte> valueInfo) => ProtoReader.FirstString(valueInfo, ValueInfoName) ?? "";
}
