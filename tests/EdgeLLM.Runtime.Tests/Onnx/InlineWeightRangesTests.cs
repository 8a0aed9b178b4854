using EdgeLLM.Runtime.Onnx;
using static EdgeLLM.Runtime.Tests.Onnx.OnnxTestModel;

namespace EdgeLLM.Runtime.Tests.Onnx;

/// <summary>
/// Inline weights pointed at their own bytes in the model file (<see cref="InlineWeightRanges"/>): the reference must
/// name exactly the bytes the file holds, the graph must compute the same, and small or external tensors stay as they are.
/// </summary>
public sealed class InlineWeightRangesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgellm-inline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_large_inline_weight_points_at_its_bytes_in_the_model_file()
    {
        var file = Model(reshape: false, external: false);

        var pointed = InlineWeightRanges.TryPoint(file, "model.onnx", out var bytes);

        Assert.NotNull(pointed);
        Assert.Equal(WeightBytes, bytes);
        var weight = Initializers(pointed).Single(t => Name(t) == "w");
        var data = ExternalData(weight);
        Assert.Equal("model.onnx", data["location"]);
        Assert.Equal(WeightBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), data["length"]);
        var offset = int.Parse(data["offset"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WeightData(), file.AsSpan(offset, WeightBytes).ToArray());
        Assert.DoesNotContain(ProtoReader.Fields(weight), f => f.Number == OnnxField.TensorRawData);
        Assert.Contains(ProtoReader.Fields(weight), f => f.Number == OnnxField.TensorDataLocation && f.Varint == OnnxField.DataLocationExternal);
        Assert.Equal([2L, 32L, 16L], Dims(weight));
        // The 16-byte shape tensor stays inline.
        Assert.Empty(ExternalData(Initializers(pointed).Single(t => Name(t) == "shape")));
    }

    [Fact]
    public void The_pointed_graph_computes_what_the_file_computes_and_then_folds_its_reshape()
    {
        var path = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(path, Model(external: false));
        var pointed = InlineWeightRanges.TryPoint(File.ReadAllBytes(path), "model.onnx", out _)!;
        var folded = ExternalWeightReshapes.TryFold(pointed, out var reshapes)!;

        using var fromFile = FromFile(path);
        using var fromPointed = FromBytes(pointed, _dir);
        using var fromFolded = FromBytes(folded, _dir);

        var expected = Gather(fromFile, [5, 63]);
        Assert.Equal(Enumerable.Range(80, 16).Select(Element), expected[..16]);
        Assert.Equal(expected, Gather(fromPointed, [5, 63]));
        Assert.Equal(expected, Gather(fromFolded, [5, 63]));
        Assert.Equal(1, reshapes.Count);
    }

    [Fact]
    public void A_model_whose_weights_are_already_external_has_nothing_to_point()
    {
        Assert.Null(InlineWeightRanges.TryPoint(Model(), "model.onnx", out var bytes));
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Tensors_under_the_threshold_stay_inline()
    {
        var w = new ProtoWriter();
        w.Message(7, g => g.Message(5, t =>
        {
            t.Varint(1, 1023);
            t.Varint(2, 1);
            t.String(8, "small");
            t.Bytes(9, new byte[InlineWeightRanges.MinBytes - 4]);
        }));
        Assert.Null(InlineWeightRanges.TryPoint(w.Written.ToArray(), "model.onnx", out _));
    }

    [Fact]
    public void A_model_without_a_graph_has_nothing_to_point()
    {
        var w = new ProtoWriter();
        w.Varint(1, 8);
        Assert.Null(InlineWeightRanges.TryPoint(w.Written.ToArray(), "model.onnx", out _));
    }
}
