using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Tests.Onnx;

public class OrtLibraryTests
{
    [Fact]
    public void The_library_of_the_Microsoft_ML_OnnxRuntime_package_is_loaded_and_reports_version_1_31_1()
    {
        OrtLibrary.EnsureLoaded();
        Assert.Equal("1.31.1", OrtLibrary.Version);
        Assert.EndsWith(Path.Combine("runtimes", OrtLibrary.RuntimeIdentifier, "native", "libonnxruntime.so"), OrtLibrary.LibraryPath);
    }

    [Fact]
    public void The_managed_api_runs_on_the_library_edgellm_chose()
    {
        OrtEnvironment.EnsureCreated();
        // The package's own calls resolve through OrtLibrary's DllImport resolver: one ONNX Runtime per process.
        Assert.Equal(OrtLibrary.Version, OrtEnv.Instance().GetVersionString());
        Assert.True(OrtEnv.IsCreated);
    }

    [Fact]
    public void Available_providers_include_the_cpu_provider()
    {
        Assert.Contains("CPUExecutionProvider", OrtLibrary.GetAvailableProviders());
    }

    [Fact]
    public void Loading_another_library_after_one_is_loaded_is_refused()
    {
        OrtLibrary.EnsureLoaded();
        var e = Assert.Throws<InvalidOperationException>(() => OrtLibrary.Load("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains("already loaded", e.Message);
    }

    [Fact]
    public void Loading_the_same_library_again_is_a_no_op()
    {
        OrtLibrary.EnsureLoaded();
        var path = OrtLibrary.LibraryPath;
        OrtLibrary.Load(path);
        Assert.Equal(path, OrtLibrary.LibraryPath);
    }
}
