using System.Runtime.InteropServices;
using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>
/// A loaded ONNX model. External data (<c>model.onnx.data</c>) is read from beside the model file.
/// <see cref="Run(OrtNames, ReadOnlySpan{OrtValue}, OrtNames, ReadOnlySpan{OrtValue}, RunOptions?)"/> with
/// pre-encoded names and pre-allocated outputs, or <see cref="RunWithBinding"/>, allocate nothing per run.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtHandle _handle;

    /// <exception cref="OnnxRuntimeException">The file is missing, not a model, or uses what this build cannot run.</exception>
    public InferenceSession(string modelPath, SessionOptions? options = null)
    {
        var env = OrtEnvironment.Handle;
        IntPtr session;
        var ownOptions = options is null ? new SessionOptions() : null;
        try
        {
            fixed (byte* path = Utf8.Z(modelPath))
            {
                OrtStatus.Check(OrtApi.CreateSession(env, path, (options ?? ownOptions!).Handle, &session));
            }
        }
        finally
        {
            ownOptions?.Dispose();
        }
        _handle = new OrtHandle(session, OrtApi.ReleaseSession);
        ModelPath = modelPath;
        Inputs = ReadMetadata(input: true);
        Outputs = ReadMetadata(input: false);
    }

    public string ModelPath { get; }

    public IReadOnlyList<NodeMetadata> Inputs { get; }

    public IReadOnlyList<NodeMetadata> Outputs { get; }

    internal IntPtr Handle => _handle.DangerousGetHandle();

    /// <summary>
    /// Runs the model with names encoded once. <paramref name="outputs"/> are pre-allocated values ORT writes
    /// into (their shapes must be what the model produces); nothing is allocated per call.
    /// </summary>
    public void Run(OrtNames inputNames, ReadOnlySpan<OrtValue> inputs, OrtNames outputNames, ReadOnlySpan<OrtValue> outputs, RunOptions? runOptions = null)
    {
        if (inputs.Length != inputNames.Count || outputs.Length != outputNames.Count)
        {
            throw new ArgumentException($"{inputNames.Count} input names for {inputs.Length} values, {outputNames.Count} output names for {outputs.Length} values");
        }
        var inputHandles = stackalloc IntPtr[Math.Max(1, inputs.Length)];
        var outputHandles = stackalloc IntPtr[Math.Max(1, outputs.Length)];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputHandles[i] = inputs[i].DangerousGetHandle();
        }
        for (var i = 0; i < outputs.Length; i++)
        {
            outputHandles[i] = outputs[i].DangerousGetHandle();
        }
        OrtStatus.Check(OrtApi.Run(Handle, runOptions?.Handle ?? IntPtr.Zero, inputNames.Pointers, inputHandles, (nuint)inputs.Length,
            outputNames.Pointers, (nuint)outputs.Length, outputHandles));
        GC.KeepAlive(this);
    }

    /// <summary>Runs the model and returns the named outputs as new values ORT allocated (the caller disposes them).</summary>
    public OrtValue[] Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, IReadOnlyList<string> outputNames, RunOptions? runOptions = null)
    {
        if (inputNames.Count != inputs.Count)
        {
            throw new ArgumentException($"{inputNames.Count} input names for {inputs.Count} values");
        }
        using var inNames = new OrtNames(inputNames);
        using var outNames = new OrtNames(outputNames);
        var inputHandles = new IntPtr[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            inputHandles[i] = inputs[i].DangerousGetHandle();
        }
        var outputHandles = new IntPtr[outputNames.Count];
        fixed (IntPtr* ins = inputHandles, outs = outputHandles)
        {
            OrtStatus.Check(OrtApi.Run(Handle, runOptions?.Handle ?? IntPtr.Zero, inNames.Pointers, ins, (nuint)inputs.Count,
                outNames.Pointers, (nuint)outputNames.Count, outs));
        }
        GC.KeepAlive(inputs);
        var results = new OrtValue[outputHandles.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = OrtValue.FromOwnedHandle(outputHandles[i]);
        }
        return results;
    }

    /// <summary>Runs with the inputs and outputs bound to <paramref name="binding"/>.</summary>
    public void RunWithBinding(IoBinding binding, RunOptions? runOptions = null)
    {
        OrtStatus.Check(OrtApi.RunWithBinding(Handle, runOptions?.Handle ?? IntPtr.Zero, binding.Handle));
        GC.KeepAlive(binding);
    }

    public IoBinding CreateIoBinding() => new(this);

    private NodeMetadata[] ReadMetadata(bool input)
    {
        nuint count;
        OrtStatus.Check(input ? OrtApi.SessionGetInputCount(Handle, &count) : OrtApi.SessionGetOutputCount(Handle, &count));
        var list = new NodeMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePtr;
            OrtStatus.Check(input ? OrtApi.SessionGetInputName(Handle, i, CpuMemory.Allocator, &namePtr)
                                  : OrtApi.SessionGetOutputName(Handle, i, CpuMemory.Allocator, &namePtr));
            var name = Marshal.PtrToStringUTF8((IntPtr)namePtr) ?? "";
            CpuMemory.Free(namePtr);
            IntPtr typeInfo;
            OrtStatus.Check(input ? OrtApi.SessionGetInputTypeInfo(Handle, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(Handle, i, &typeInfo));
            try
            {
                list[(int)i] = Describe(name, typeInfo);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }
        return list;
    }

    private static NodeMetadata Describe(string name, IntPtr typeInfo)
    {
        int onnxType;
        OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != 1 /* ONNX_TYPE_TENSOR */)
        {
            return new NodeMetadata(name, false, TensorElementType.Undefined, [], []);
        }
        IntPtr tensorInfo; // owned by typeInfo
        OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int element;
        OrtStatus.Check(OrtApi.GetTensorElementType(tensorInfo, &element));
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        var symbols = new string[(int)rank];
        var symbolPtrs = stackalloc byte*[Math.Max(1, (int)rank)];
        fixed (long* d = dims)
        {
            OrtStatus.Check(OrtApi.GetDimensions(tensorInfo, d, rank));
        }
        OrtStatus.Check(OrtApi.GetSymbolicDimensions(tensorInfo, symbolPtrs, rank));
        for (var i = 0; i < (int)rank; i++)
        {
            symbols[i] = Marshal.PtrToStringUTF8((IntPtr)symbolPtrs[i]) ?? "";
        }
        return new NodeMetadata(name, true, (TensorElementType)element, dims, symbols);
    }

    public void Dispose() => _handle.Dispose();
}
