using System.Globalization;

namespace EdgeLLM.Onnx;

/// <summary>A graph input or output: its name, element type and shape.</summary>
/// <param name="Name">The name the graph gives it.</param>
/// <param name="IsTensor">False for sequences, maps and optional values.</param>
/// <param name="ElementType">Element type of a tensor.</param>
/// <param name="Shape">Dimensions, -1 where the dimension is dynamic.</param>
/// <param name="SymbolicShape">The dimension names where the model gives them (<c>batch_size</c>), else empty strings.</param>
public sealed record NodeMetadata(string Name, bool IsTensor, TensorElementType ElementType, long[] Shape, string[] SymbolicShape)
{
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(", ", Shape.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : SymbolicShape[i].Length > 0 ? SymbolicShape[i] : "?"))}]";
}
