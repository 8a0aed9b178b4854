using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>Per-run options; <see cref="Terminate"/> makes a run in progress on another thread stop with an error.</summary>
public sealed unsafe class RunOptions : IDisposable
{
    private readonly OrtHandle _handle;

    public RunOptions()
    {
        IntPtr options;
        OrtStatus.Check(OrtApi.CreateRunOptions(&options));
        _handle = new OrtHandle(options, OrtApi.ReleaseRunOptions);
    }

    internal IntPtr Handle => _handle.DangerousGetHandle();

    /// <summary>Asks the current and later runs with these options to stop; <see cref="Reset"/> clears it.</summary>
    public void Terminate() => OrtStatus.Check(OrtApi.RunOptionsSetTerminate(Handle));

    public void Reset() => OrtStatus.Check(OrtApi.RunOptionsUnsetTerminate(Handle));

    public void AddConfigEntry(string key, string value)
    {
        fixed (byte* k = Utf8.Z(key), v = Utf8.Z(value))
        {
            OrtStatus.Check(OrtApi.AddRunConfigEntry(Handle, k, v));
        }
    }

    public void Dispose() => _handle.Dispose();
}
