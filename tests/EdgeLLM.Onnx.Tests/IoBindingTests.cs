namespace EdgeLLM.Onnx.Tests;

public class IoBindingTests
{
    [Fact]
    public void The_same_value_bound_as_input_and_output_is_updated_in_place_across_runs()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        var state = new float[] { 1, 1, 1 };
        var step = new float[] { 1, 2, 3 };
        using var stateValue = OrtValue.CreateTensor<float>(state, [1, 3]);
        using var stepValue = OrtValue.CreateTensor<float>(step, [1, 3]);
        using var binding = s.CreateIoBinding();
        binding.BindInput("a", stateValue);
        binding.BindInput("b", stepValue);
        binding.BindOutput("sum", stateValue);
        s.RunWithBinding(binding);
        s.RunWithBinding(binding);
        Assert.Equal([3f, 5f, 7f], state);
    }

    [Fact]
    public void Outputs_bound_to_cpu_are_allocated_by_onnxruntime()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        using var a = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3 }, [1, 3]);
        using var binding = s.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", a);
        binding.BindOutputToCpu("sum");
        s.RunWithBinding(binding);
        var outputs = binding.GetOutputValues();
        using var sum = Assert.Single(outputs);
        Assert.Equal([2f, 4f, 6f], sum.GetTensorSpan<float>().ToArray());
    }

    [Fact]
    public void Steady_state_runs_allocate_nothing_on_the_managed_heap()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        using var a = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3 }, [1, 3]);
        using var b = OrtValue.CreateTensor<float>(new float[] { 1, 1, 1 }, [1, 3]);
        using var sum = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        using var inNames = new OrtNames(["a", "b"]);
        using var outNames = new OrtNames(["sum"]);
        using var binding = s.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", b);
        binding.BindOutput("sum", sum);
        var inputs = new[] { a, b };
        var outputs = new[] { sum };
        s.Run(inNames, inputs, outNames, outputs);
        s.RunWithBinding(binding);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            s.Run(inNames, inputs, outNames, outputs);
            s.RunWithBinding(binding);
            _ = sum.GetTensorSpan<float>()[0];
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal([2f, 3f, 4f], sum.GetTensorSpan<float>().ToArray());
    }

    [Fact]
    public void Binding_an_unknown_name_is_reported_at_run_time_with_ortmessage()
    {
        using var s = new InferenceSession(TestModels.Path("add.onnx"));
        using var a = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        using var binding = s.CreateIoBinding();
        var e = Record.Exception(() =>
        {
            binding.BindInput("nope", a);
            binding.BindOutputToCpu("sum");
            s.RunWithBinding(binding);
        });
        var ort = Assert.IsType<OnnxRuntimeException>(e);
        Assert.Contains("nope", ort.Message);
    }
}
