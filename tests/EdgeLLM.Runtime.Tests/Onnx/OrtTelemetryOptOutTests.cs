using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Onnx;

namespace EdgeLLM.Runtime.Tests.Onnx;

public partial class OrtTelemetryOptOutTests
{
    [Fact]
    public void Loading_onnx_runtime_sets_its_telemetry_switch_in_the_native_environment_unless_the_operator_set_it()
    {
        OrtLibrary.EnsureLoaded();
        // .NET's copy of the environment is the one the process started with: an operator's own value stays.
        var expected = Environment.GetEnvironmentVariable(OrtTelemetryOptOut.Variable) ?? "1";
        Assert.Equal(expected, NativeVariable(OrtTelemetryOptOut.Variable));
    }

    [Fact]
    public void Applying_again_keeps_the_value_already_set()
    {
        OrtLibrary.EnsureLoaded();
        var before = NativeVariable(OrtTelemetryOptOut.Variable);
        OrtTelemetryOptOut.Apply();
        Assert.Equal(before, NativeVariable(OrtTelemetryOptOut.Variable));
    }

    private static string? NativeVariable(string name) => Marshal.PtrToStringUTF8(GetEnvironment(name));

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnvironment(string name);
}
