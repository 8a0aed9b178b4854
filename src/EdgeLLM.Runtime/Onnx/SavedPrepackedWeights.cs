using System.Globalization;
using static EdgeLLM.Runtime.Onnx.OnnxField;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Reads how many bytes of prepacked weights a model saved by ONNX Runtime with
/// <c>session.save_external_prepacked_constant_initializers</c> maps. Each weight with a packed form gains an external
/// data entry <c>prepacked_N</c> whose value is <c>KERNEL+HASH|OFFSET;LENGTH;...</c> in the data file. Loading maps
/// those bytes without reading them; every run reads all of them, so they are resident from the first token on and
/// belong in the model's measured footprint although loading did not make them resident.
/// </summary>
internal static class SavedPrepackedWeights
{
    private const string KeyPrefix = "prepacked_";

    /// <summary>The bytes of every packed form the saved model names.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed ONNX model.</exception>
    public static long Bytes(byte[] savedModel)
    {
        if (OnnxModelBytes.Open(savedModel) is not { } opened)
        {
            return 0;
        }
        var graph = opened.Graph.Span;
        long total = 0;
        foreach (var field in opened.GraphFields)
        {
            if (field.Number != GraphInitializer || field.Type != WireType.LengthDelimited)
            {
                continue;
            }
            var tensor = graph[field.Payload];
            foreach (var f in ProtoReader.Fields(tensor))
            {
                if (f.Number == TensorExternalData && f.Type == WireType.LengthDelimited
                    && ProtoReader.FirstString(tensor[f.Payload], EntryKey) is { } key && key.StartsWith(KeyPrefix, StringComparison.Ordinal))
                {
                    total += Length(ProtoReader.FirstString(tensor[f.Payload], EntryValue));
                }
            }
        }
        return total;
    }

    /// <summary>LENGTH from <c>KERNEL+HASH|OFFSET;LENGTH;...</c>; 0 for a value of another shape.</summary>
    internal static long Length(string? value)
    {
        var bar = value?.LastIndexOf('|') ?? -1;
        if (bar < 0)
        {
            return 0;
        }
        var parts = value![(bar + 1)..].Split(';');
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0;
    }
}
