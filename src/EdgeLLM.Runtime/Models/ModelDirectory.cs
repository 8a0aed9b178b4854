using System.Text;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// What a model directory says about itself without loading it: which files are weights (the ONNX graphs and their
/// external data) and how much they take, and how the weights are quantized. The one reader of these facts for the
/// loader, the memory budget, <c>edgellm models</c> and <c>edgellm bench</c>.
/// </summary>
public static class ModelDirectory
{
    private static readonly byte[] MatMulNBits = Encoding.ASCII.GetBytes("MatMulNBits");

    /// <summary>True for an ONNX graph or its external data (<c>.onnx</c>, <c>.onnx.data</c>, <c>.onnx_data</c>, <c>.data</c>).</summary>
    public static bool IsWeightFile(string fileName) =>
        fileName.EndsWith(".onnx", StringComparison.Ordinal) || fileName.EndsWith(".onnx.data", StringComparison.Ordinal)
        || fileName.EndsWith(".onnx_data", StringComparison.Ordinal) || fileName.EndsWith(".data", StringComparison.Ordinal);

    /// <summary>Bytes of the weight files directly in <paramref name="directory"/>; 0 when it does not exist.</summary>
    public static long WeightsBytes(string directory) =>
        !Directory.Exists(directory) ? 0 : new DirectoryInfo(directory).EnumerateFiles().Where(f => IsWeightFile(f.Name)).Sum(f => f.Length);

    /// <summary>
    /// How the weights are quantized: a graph using <c>MatMulNBits</c> (the op ONNX Runtime GenAI's builder emits for
    /// 4-bit weights; its name is stored as plain bytes in the protobuf) is INT4, with what <c>edgellm_model.json</c>
    /// declares beside it.
    /// </summary>
    public static string DescribeQuantization(string directory)
    {
        var declared = ModelIdentity.Read(directory).Quantization is { } q && q != ModelIdentity.Unknown ? q : null;
        if (Directory.EnumerateFiles(directory, "*.onnx").Any(ContainsMatMulNBits))
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
}
