using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>
/// Inputs and outputs bound to a session once and reused across runs: bind the same value as an input and
/// an output to have a model update it in place (a shared KV cache). Bound values are kept alive here.
/// </summary>
public sealed unsafe class IoBinding : IDisposable
{
    private readonly OrtHandle _handle;
    private readonly InferenceSession _session;
    private readonly Dictionary<string, OrtValue> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrtValue> _outputs = new(StringComparer.Ordinal);

    internal IoBinding(InferenceSession session)
    {
        _session = session;
        IntPtr binding;
        OrtStatus.Check(OrtApi.CreateIoBinding(session.Handle, &binding));
        _handle = new OrtHandle(binding, OrtApi.ReleaseIoBinding);
    }

    internal IntPtr Handle => _handle.DangerousGetHandle();

    public void BindInput(string name, OrtValue value)
    {
        fixed (byte* n = Utf8.Z(name))
        {
            OrtStatus.Check(OrtApi.BindInput(Handle, n, value.DangerousGetHandle()));
        }
        _inputs[name] = value;
    }

    /// <summary>Binds a pre-allocated output ORT writes into.</summary>
    public void BindOutput(string name, OrtValue value)
    {
        fixed (byte* n = Utf8.Z(name))
        {
            OrtStatus.Check(OrtApi.BindOutput(Handle, n, value.DangerousGetHandle()));
        }
        _outputs[name] = value;
    }

    /// <summary>Lets ORT allocate the output in CPU memory on each run; read it with <see cref="GetOutputValues"/>.</summary>
    public void BindOutputToCpu(string name)
    {
        fixed (byte* n = Utf8.Z(name))
        {
            OrtStatus.Check(OrtApi.BindOutputToDevice(Handle, n, CpuMemory.Info));
        }
        _outputs.Remove(name);
    }

    public void ClearInputs()
    {
        OrtApi.ClearBoundInputs(Handle);
        _inputs.Clear();
    }

    public void ClearOutputs()
    {
        OrtApi.ClearBoundOutputs(Handle);
        _outputs.Clear();
    }

    /// <summary>The outputs of the last run, in binding order, as new values the caller disposes.</summary>
    public OrtValue[] GetOutputValues()
    {
        IntPtr* values;
        nuint count;
        OrtStatus.Check(OrtApi.GetBoundOutputValues(Handle, CpuMemory.Allocator, &values, &count));
        var result = new OrtValue[(int)count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = OrtValue.FromOwnedHandle(values[i]);
        }
        CpuMemory.Free(values);
        return result;
    }

    public void Dispose()
    {
        _handle.Dispose();
        GC.KeepAlive(_session);
    }
}
