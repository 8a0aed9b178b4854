using EdgeLLM.Runtime.Onnx;
using static EdgeLLM.Runtime.Tests.Onnx.OnnxTestModel;

namespace EdgeLLM.Runtime.Tests.Onnx;

/// <summary>
/// A constant Reshape of an external weight becomes a second initializer over the same file bytes
/// (<see cref="ExternalWeightReshapes"/>): the graph must compute the same, and only such reshapes may be folded.
/// </summary>
public sealed class ExternalWeightReshapesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgellm-reshape-").FullName;

    public ExternalWeightReshapesTests() => WriteDataFile(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_reshape_of_an_external_weight_becomes_an_initializer_with_the_new_shape_and_the_same_file_range()
    {
        var folded = ExternalWeightReshapes.TryFold(Model(), out var result);

        Assert.NotNull(folded);
        Assert.Equal(new ExternalWeightReshapes.Folded(1, WeightBytes), result);
        Assert.Equal("1 reshaped weight mapped from the model's data file instead of copied (0.0 MiB)", result.ToString());
        var graph = OnnxModelBytes.Open(folded)!;
        Assert.Equal(["Gather"], graph.Nodes.Select(n => n.OpType));
        var initializer = Initializers(folded).Single(t => Name(t) == "reshaped");
        Assert.Equal([64L, 16L], Dims(initializer));
        Assert.Equal(ExternalData(Initializers(folded).Single(t => Name(t) == "w")), ExternalData(initializer));
        Assert.Equal("4096", ExternalData(initializer)["offset"]);
    }

    [Fact]
    public void The_folded_graph_computes_what_the_file_computes()
    {
        var path = Path.Combine(_dir, "model.onnx");
        File.WriteAllBytes(path, Model());
        var folded = ExternalWeightReshapes.TryFold(File.ReadAllBytes(path), out _)!;

        using var fromBytes = FromBytes(folded, _dir);
        using var fromFile = FromFile(path);

        var expected = Gather(fromFile, [63, 0, 3]);
        Assert.Equal(expected, Gather(fromBytes, [63, 0, 3]));
        // Row 63 of the [64, 16] view is elements 1008..1023 of the file's weight.
        Assert.Equal(Enumerable.Range(1008, 16).Select(Element), expected[..16]);
    }

    [Fact]
    public void A_model_without_such_a_reshape_is_left_alone()
    {
        Assert.Null(ExternalWeightReshapes.TryFold(Model(reshape: false), out var none));
        Assert.Equal(default, none);
    }

    [Fact]
    public void An_inline_weight_is_left_to_onnx_runtime()
    {
        Assert.Null(ExternalWeightReshapes.TryFold(Model(external: false), out _));
    }

    [Fact]
    public void A_reshape_whose_result_is_a_graph_output_is_kept()
    {
        Assert.Null(ExternalWeightReshapes.TryFold(Model(reshapeIsOutput: true), out _));
    }

    [Fact]
    public void A_shape_that_does_not_fit_the_weight_is_left_for_onnx_runtime_to_report()
    {
        Assert.Null(ExternalWeightReshapes.TryFold(Model(shape: [63, 16]), out _));
    }

    [Fact]
    public void A_model_without_a_graph_is_left_alone()
    {
        var w = new ProtoWriter();
        w.Varint(1, 8);
        Assert.Null(ExternalWeightReshapes.TryFold(w.Written.ToArray(), out _));
    }

    [Theory]
    [InlineData(new long[] { 6, 4 }, false, new long[] { 6, 4 })]
    [InlineData(new long[] { -1, 4 }, false, new long[] { 6, 4 })]
    [InlineData(new long[] { 2, -1 }, false, new long[] { 2, 12 })]
    [InlineData(new long[] { 0, -1 }, false, new long[] { 2, 12 })]
    [InlineData(new long[] { 0, 3, 4 }, false, new long[] { 2, 3, 4 })]
    [InlineData(new long[] { 24 }, false, new long[] { 24 })]
    public void Target_dims_follow_onnx_reshape(long[] shape, bool allowZero, long[] expected)
    {
        Assert.Equal(expected, ExternalWeightReshapes.TargetDims([2, 3, 4], shape, allowZero));
    }

    [Theory]
    [InlineData(new long[] { 5, 4 }, false)]
    [InlineData(new long[] { -1, -1 }, false)]
    [InlineData(new long[] { -2, 12 }, false)]
    [InlineData(new long[] { 0, 0, 0, 0 }, false)]
    [InlineData(new long[] { 0, 24 }, true)]
    [InlineData(new long[] { 5, -1 }, false)]
    [InlineData(new long[] { 0, -1 }, true)]
    public void Shapes_that_do_not_fit_give_no_dims(long[] shape, bool allowZero)
    {
        Assert.Null(ExternalWeightReshapes.TargetDims([2, 3, 4], shape, allowZero));
    }
}
