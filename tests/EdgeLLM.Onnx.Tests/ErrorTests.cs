namespace EdgeLLM.Onnx.Tests;

public class ErrorTests
{
    private static OnnxRuntimeException RunAdd(OrtValue a, OrtValue b, string nameA = "a")
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        return Assert.Throws<OnnxRuntimeException>(() => s.Run([nameA, "b"], [a, b], ["sum"]));
    }

    [Fact]
    public void A_wrong_input_name_is_an_invalid_argument_naming_it()
    {
        using var a = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        var e = RunAdd(a, a, nameA: "alpha");
        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("alpha", e.OrtMessage);
    }

    [Fact]
    public void A_wrong_shape_is_reported_with_the_dimensions()
    {
        using var a = OrtValue.CreateTensor<float>(new float[4], [1, 4]);
        using var b = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        var e = RunAdd(a, b);
        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("dimensions", e.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_wrong_rank_is_reported()
    {
        using var a = OrtValue.CreateTensor<float>(new float[3], [3]);
        var e = RunAdd(a, a);
        Assert.Contains("rank", e.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_wrong_element_type_is_reported_with_both_types()
    {
        using var a = OrtValue.CreateTensor<int>(new int[3], [1, 3]);
        var e = RunAdd(a, a);
        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("type", e.OrtMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_model_file_is_no_such_file()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession("/definitely/not/here.onnx"));
        Assert.Equal(OrtErrorCode.NoSuchFile, e.ErrorCode);
        Assert.Contains("/definitely/not/here.onnx", e.OrtMessage);
    }

    [Fact]
    public void A_corrupt_model_file_is_invalid_protobuf()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        try
        {
            var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
            Assert.Equal(OrtErrorCode.InvalidProtobuf, e.ErrorCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_truncated_model_file_fails_cleanly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.onnx");
        var bytes = File.ReadAllBytes(TestModels.Path("gqa.onnx"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_buffer_too_small_for_its_shape_is_an_argument_error_not_a_crash()
    {
        var e = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor<float>(new float[5], [2, 3]));
        Assert.Contains("needs 6 elements", e.Message);
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(IntPtr.Zero + 64, 8, TensorElementType.Int64, [2]));
    }

    [Fact]
    public void Reading_a_tensor_as_the_wrong_type_is_refused()
    {
        using var v = OrtValue.CreateTensor<long>(new long[2], [2]);
        Assert.Throws<InvalidOperationException>(() => v.GetTensorSpan<float>());
    }

    [Fact]
    public void Terminated_run_options_stop_a_run_with_an_error()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        using var a = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        using var options = new RunOptions();
        options.Terminate();
        Assert.Throws<OnnxRuntimeException>(() => s.Run(["a", "b"], [a, a], ["sum"], options));
        options.Reset();
        using var ok = s.Run(["a", "b"], [a, a], ["sum"], options)[0];
        Assert.Equal(3, ok.ElementCount);
    }
}
