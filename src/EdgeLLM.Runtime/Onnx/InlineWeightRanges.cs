using System.Globalization;
using static EdgeLLM.Runtime.Onnx.OnnxField;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Points a model's inline weights at their own bytes in the model file: each initializer whose <c>raw_data</c> is at
/// least <see cref="MinBytes"/> becomes an external-data initializer with the model file as its location and the
/// payload's offset in it. Loaded from bytes, ONNX Runtime keeps every inline initializer's protobuf copy for the
/// session's life beside the tensor it makes of it (about 4 MiB resident on the 6 MB default model, measured idle);
/// from a file range it maps or reads the bytes once, and lets go of what it prepacks.
/// </summary>
/// <remarks>
/// The offsets are those of the file's own bytes, so this must be the first edit of a model read from disk. The file is
/// not changed; a model whose weights already lie in an external file has nothing to point.
/// </remarks>
internal static class InlineWeightRanges
{
    /// <summary>Smaller tensors (shapes, norms' scalars) stay inline: a mapping each would cost more than it saves.</summary>
    public const int MinBytes = 4096;

    /// <summary>The model with its large inline weights pointed at <paramref name="fileName"/> (the model file's name
    /// relative to its folder), or null when it has none; <paramref name="bytes"/> is how many bytes were pointed.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static byte[]? TryPoint(byte[] model, string fileName, out long bytes)
    {
        bytes = 0;
        if (OnnxModelBytes.Open(model) is not { } opened)
        {
            return null;
        }
        var graphStart = opened.GraphField.PayloadStart;
        var graph = opened.Graph.Span;
        var graphOut = new ProtoSegments(opened.Graph);
        foreach (var field in opened.GraphFields)
        {
            if (field.Number == GraphInitializer && field.Type == WireType.LengthDelimited
                && Pointed(graph[field.Payload], graphStart + field.PayloadStart, fileName) is { } pointed)
            {
                graphOut.Add(ProtoSegments.Field(GraphInitializer, pointed.Tensor));
                bytes += pointed.Length;
            }
            else
            {
                graphOut.Add(field.Whole);
            }
        }
        return bytes == 0 ? null : opened.WithGraph(graphOut);
    }

    /// <summary>The tensor with its raw data replaced by a reference to the same bytes in the file, or null when its
    /// raw data is small, absent, or it is already external.</summary>
    private static (byte[] Tensor, int Length)? Pointed(ReadOnlySpan<byte> tensor, int tensorOffsetInFile, string fileName)
    {
        var fields = ProtoReader.Fields(tensor);
        if (fields.Exists(f => f.Number is TensorDataLocation or TensorExternalData))
        {
            return null;
        }
        var raw = fields.FindLast(f => f.Number == TensorRawData && f.Type == WireType.LengthDelimited);
        if (raw.Number == 0 || raw.End - raw.PayloadStart < MinBytes)
        {
            return null;
        }
        var length = raw.End - raw.PayloadStart;
        var w = new ProtoWriter(tensor.Length - length + fileName.Length + 64);
        foreach (var f in fields)
        {
            if (f.Number != TensorRawData)
            {
                w.Raw(tensor[f.Whole]);
            }
        }
        Entry(w, "location", fileName);
        Entry(w, "offset", (tensorOffsetInFile + raw.PayloadStart).ToString(CultureInfo.InvariantCulture));
        Entry(w, "length", length.ToString(CultureInfo.InvariantCulture));
        w.Varint(TensorDataLocation, DataLocationExternal);
        return (w.Written.ToArray(), length);
    }

    private static void Entry(ProtoWriter w, string key, string value) => w.Message(TensorExternalData, e =>
    {
        e.String(1, key);
        e.String(2, value);
    });
}
