namespace EdgeLLM.Onnx.Tests;

public class SessionTests
{
    [Fact]
    public void Metadata_gives_names_types_and_symbolic_dimensions()
    {
        using var s = new InferenceSession(TestModels.Path("mixed_types.onnx"));
        Assert.Equal(["f32", "f16", "i32", "i64", "u8", "flag"], s.Inputs.Select(i => i.Name));
        Assert.Equal([TensorElementType.Float, TensorElementType.Float16, TensorElementType.Int32, TensorElementType.Int64, TensorElementType.UInt8, TensorElementType.Bool],
            s.Inputs.Select(i => i.ElementType));
        var i64 = s.Inputs[3];
        Assert.Equal([-1L, -1L], i64.Shape);
        Assert.Equal(["b", "s"], i64.SymbolicShape);
        Assert.Equal([2L, 2L], s.Inputs[0].Shape);
        Assert.Equal("f32_out", s.Outputs[0].Name);
    }

    [Fact]
    public void Add_runs_on_caller_memory()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        using var a = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = OrtValue.CreateTensor<float>(new float[] { 10, 20, 30, 40, 50, 60 }, [2, 3]);
        var outputs = s.Run(["a", "b"], [a, b], ["sum"]);
        using var sum = outputs[0];
        Assert.Equal([2L, 3L], sum.Shape.ToArray());
        Assert.Equal([11f, 22f, 33f, 44f, 55f, 66f], sum.GetTensorSpan<float>().ToArray());
    }

    [Fact]
    public void Every_element_type_round_trips()
    {
        using var s = new InferenceSession(TestModels.Path("mixed_types.onnx"));
        using var f32 = OrtValue.CreateTensor<float>(new float[] { 1, -2, 3.5f, 0 }, [2, 2]);
        using var f16 = OrtValue.CreateTensor<Half>(new[] { (Half)1, (Half)(-0.5f), (Half)2, (Half)0 }, [2, 2]);
        using var i32 = OrtValue.CreateTensor<int>(new[] { 1, -3, 7, int.MaxValue - 3 }, [2, 2]);
        using var i64 = OrtValue.CreateTensor<long>(new[] { 1L, -2, 1L << 40 }, [1, 3]);
        using var u8 = OrtValue.CreateTensor<byte>(new byte[] { 0, 1, 254, 255 }, [4]);
        using var flag = OrtValue.CreateTensor<bool>(new[] { true, false, true }, [3]);
        var outs = s.Run(["f32", "f16", "i32", "i64", "u8", "flag"], [f32, f16, i32, i64, u8, flag],
            ["f32_out", "f16_out", "i32_out", "i64_out", "u8_out", "flag_out"]);
        try
        {
            Assert.Equal([2f, -4f, 7f, 0f], outs[0].GetTensorSpan<float>().ToArray());
            Assert.Equal([(Half)2.5f, (Half)1f, (Half)3.5f, (Half)1.5f], outs[1].GetTensorSpan<Half>().ToArray());
            Assert.Equal([4, 0, 10, int.MaxValue], outs[2].GetTensorSpan<int>().ToArray());
            Assert.Equal([2L, -4L, 1L << 41], outs[3].GetTensorSpan<long>().ToArray());
            Assert.Equal([1L, 3L], outs[3].Shape.ToArray());
            Assert.Equal([(byte)1, (byte)2, (byte)255, (byte)0], outs[4].GetTensorSpan<byte>().ToArray());
            Assert.Equal([false, true, false], outs[5].GetTensorSpan<bool>().ToArray());
        }
        finally
        {
            foreach (var o in outs)
            {
                o.Dispose();
            }
        }
    }

    [Fact]
    public void MatMulNBits_int4_matches_onnxruntime_python()
    {
        using var s = new InferenceSession(TestModels.Path("matmulnbits.onnx"));
        var (xShape, x) = TestModels.Tensor("matmulnbits", "inputs", "x");
        var (yShape, expected) = TestModels.Tensor("matmulnbits", "outputs", "y");
        using var input = OrtValue.CreateTensor<float>(x, xShape);
        using var y = s.Run(["x"], [input], ["y"])[0];
        Assert.Equal(yShape, y.Shape.ToArray());
        var got = y.GetTensorSpan<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], got[i], 1e-4f);
        }
        // and it equals x times the numpy-dequantized INT4 weights: the 4-bit kernel really ran
        var (_, deq) = TestModels.Tensor("matmulnbits", "dequantized_reference", "");
        for (var i = 0; i < deq.Length; i++)
        {
            Assert.Equal(deq[i], got[i], 1e-3f);
        }
    }

    [Fact]
    public void GroupQueryAttention_matches_onnxruntime_python()
    {
        using var s = new InferenceSession(TestModels.Path("gqa.onnx"));
        var names = new[] { "query", "key", "value", "past_key", "past_value" };
        var values = names.Select(n =>
        {
            var (shape, data) = TestModels.Tensor("gqa", "inputs", n);
            return OrtValue.CreateTensor<float>(data, shape);
        }).ToList();
        values.Add(OrtValue.CreateTensor<int>(new[] { 2 }, [1]));
        values.Add(OrtValue.CreateTensor<int>(new[] { 3 }, []));
        var outs = s.Run([.. names, "seqlens_k", "total_sequence_length"], values, ["output", "present_key", "present_value"]);
        foreach (var (name, value) in new[] { "output", "present_key", "present_value" }.Zip(outs))
        {
            var (shape, expected) = TestModels.Tensor("gqa", "outputs", name);
            Assert.Equal(shape, value.Shape.ToArray());
            var got = value.GetTensorSpan<float>();
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], got[i], 1e-5f);
            }
            value.Dispose();
        }
        values.ForEach(v => v.Dispose());
    }

    [Fact]
    public void Ort_allocated_tensors_are_writable_and_sized_by_shape()
    {
        using var v = OrtValue.Allocate(TensorElementType.Int64, [2, 5]);
        Assert.Equal(10, v.ElementCount);
        var span = v.GetTensorSpan<long>();
        span.Fill(7);
        Assert.All(v.GetTensorSpan<long>().ToArray(), x => Assert.Equal(7, x));
    }

    [Fact]
    public void Session_options_and_config_entries_are_accepted()
    {
        using var options = new SessionOptions()
            .SetIntraOpThreads(1).SetInterOpThreads(1)
            .SetGraphOptimizationLevel(GraphOptimizationLevel.All)
            .SetExecutionMode(ExecutionMode.Sequential)
            .EnableCpuMemArena(false).EnableMemPattern(false)
            .SetLogId("test").SetLogSeverity(OrtLoggingLevel.Warning)
            .AddConfigEntry("session.intra_op.allow_spinning", "0")
            .AddConfigEntry("session.inter_op.allow_spinning", "0");
        using var s = new InferenceSession(TestModels.Path("matmul.onnx"), options);
        using var x = OrtValue.CreateTensor<float>(new float[8], [2, 4]);
        using var y = s.Run(["x"], [x], ["y"])[0];
        Assert.Equal([2L, 2L], y.Shape.ToArray());
    }

    [Fact]
    public void Cuda_and_tensorrt_on_a_cpu_build_fail_with_onnxruntimes_reason()
    {
        using var options = new SessionOptions();
        var cuda = Assert.Throws<OnnxRuntimeException>(() => options.AppendCudaExecutionProvider(new Dictionary<string, string> { ["device_id"] = "0" }));
        Assert.False(string.IsNullOrWhiteSpace(cuda.OrtMessage));
        var trt = Assert.Throws<OnnxRuntimeException>(() => options.AppendTensorRtExecutionProvider());
        Assert.False(string.IsNullOrWhiteSpace(trt.OrtMessage));
        Assert.Empty(options.AppendedProviders);
    }
}
