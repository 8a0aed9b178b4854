using System.Runtime.InteropServices;
using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx.Tests;

public unsafe class NativeTableTests
{
    [Fact]
    public void The_library_of_the_Microsoft_ML_OnnxRuntime_package_is_loaded_and_reports_version_1_31_1()
    {
        OrtLibrary.EnsureLoaded();
        Assert.Equal("1.31.1", OrtLibrary.Version);
        Assert.EndsWith(Path.Combine("runtimes", OrtLibrary.RuntimeIdentifier, "native", "libonnxruntime.so"), OrtLibrary.LibraryPath);
    }

    [Fact]
    public void A_status_round_trips_its_code_and_message_through_the_table()
    {
        fixed (byte* msg = Utf8.Z("something broke: ünïcode"))
        {
            var status = OrtApi.CreateStatus((int)OrtErrorCode.InvalidGraph, msg);
            var e = OrtStatus.ToException(status);
            Assert.Equal(OrtErrorCode.InvalidGraph, e.ErrorCode);
            Assert.Equal("something broke: ünïcode", e.OrtMessage);
        }
    }

    [Fact]
    public void Available_providers_include_the_cpu_provider()
    {
        Assert.Contains("CPUExecutionProvider", OrtLibrary.GetAvailableProviders());
    }

    [Fact]
    public void A_slot_late_in_the_table_reaches_the_right_function()
    {
        // SessionOptionsAppendExecutionProvider sits at slot 216: a wrong slot would not produce this message.
        using var options = new SessionOptions();
        var e = Assert.Throws<OnnxRuntimeException>(() => options.AppendExecutionProvider("QNN"));
        Assert.Contains("QNN execution provider is not supported in this build", e.Message);
    }

    [Fact]
    public void Loading_another_library_after_one_is_loaded_is_refused()
    {
        OrtLibrary.EnsureLoaded();
        var e = Assert.Throws<InvalidOperationException>(() => OrtLibrary.Load("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains("already loaded", e.Message);
    }
}
