using System.Text;
using System.Text.Json;

namespace EdgeLLM.Cli.Models;

/// <summary>
/// Says how a model's weights are quantized without loading it: an ONNX graph using <c>MatMulNBits</c> (the op
/// ONNX Runtime GenAI's builder emits for 4-bit weights; its name is stored as plain bytes in the protobuf) is INT4,
/// with the <c>bits</c> and <c>block_size</c> from <c>edgellm_model.json</c> or genai_config when they are given.
/// </summary>
internal static class QuantizationProbe
{
    private static readonly byte[] MatMulNBits = Encoding.ASCII.GetBytes("MatMulNBits");

    public static string Describe(string directory)
    {
        var declared = Declared(directory);
        var nbits = Directory.EnumerateFiles(directory, "*.onnx").Any(ContainsMatMulNBits);
        if (nbits)
        {
            return declared is null ? "INT4 (MatMulNBits)" : $"INT4 (MatMulNBits; {declared})";
        }
        return declared ?? "none found (float weights)";
    }

    /// <summary>True when the file contains the op name; read in chunks, so large graphs cost no more than a scan.</summary>
    public static bool ContainsMatMulNBits(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var carry = 0;
        int read;
        while ((read = stream.Read(buffer, carry, buffer.Length - carry)) > 0)
        {
            var span = buffer.AsSpan(0, carry + read);
            if (span.IndexOf(MatMulNBits) >= 0)
            {
                return true;
            }
            carry = Math.Min(MatMulNBits.Length - 1, span.Length);
            span[^carry..].CopyTo(buffer);
        }
        return false;
    }

    private static string? Declared(string directory)
    {
        var path = Path.Combine(directory, "edgellm_model.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.TryGetProperty("quantization", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
