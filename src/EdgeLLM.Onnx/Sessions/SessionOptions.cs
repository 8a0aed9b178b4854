using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>
/// Options for <see cref="InferenceSession"/>: threads, graph optimization, memory arena and patterns, config
/// entries and execution providers. Providers are tried by ONNX Runtime in the order appended; an append
/// that this ORT build cannot honour throws <see cref="OnnxRuntimeException"/> with ORT's reason, which is
/// what provider fallback relies on.
/// </summary>
public sealed unsafe class SessionOptions : IDisposable
{
    private readonly OrtHandle _handle;
    private readonly List<string> _providers = [];

    public SessionOptions()
    {
        // Execution providers log through the environment's default logger as they are appended; without an
        // environment ORT fails with "Attempt to use DefaultLogger" instead of the provider's real reason.
        _ = OrtEnvironment.Handle;
        IntPtr options;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&options));
        _handle = new OrtHandle(options, OrtApi.ReleaseSessionOptions);
    }

    internal IntPtr Handle => _handle.DangerousGetHandle();

    /// <summary>Providers appended so far, in order (CPU is always the implicit last resort).</summary>
    public IReadOnlyList<string> AppendedProviders => _providers;

    public SessionOptions SetIntraOpThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        OrtStatus.Check(OrtApi.SetIntraOpNumThreads(Handle, threads));
        return this;
    }

    public SessionOptions SetInterOpThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        OrtStatus.Check(OrtApi.SetInterOpNumThreads(Handle, threads));
        return this;
    }

    public SessionOptions SetGraphOptimizationLevel(GraphOptimizationLevel level)
    {
        OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(Handle, (int)level));
        return this;
    }

    public SessionOptions SetExecutionMode(ExecutionMode mode)
    {
        OrtStatus.Check(OrtApi.SetSessionExecutionMode(Handle, (int)mode));
        return this;
    }

    /// <summary>The CPU arena keeps freed blocks for reuse; off keeps resident memory close to what is in use.</summary>
    public SessionOptions EnableCpuMemArena(bool enable)
    {
        OrtStatus.Check(enable ? OrtApi.EnableCpuMemArena(Handle) : OrtApi.DisableCpuMemArena(Handle));
        return this;
    }

    /// <summary>Memory patterns pre-plan allocations for repeated shapes.</summary>
    public SessionOptions EnableMemPattern(bool enable)
    {
        OrtStatus.Check(enable ? OrtApi.EnableMemPattern(Handle) : OrtApi.DisableMemPattern(Handle));
        return this;
    }

    /// <summary>Writes ONNX Runtime's per-node profile (Chrome trace JSON) to <c>{prefix}_{time}.json</c> when the
    /// session ends: how long each node took, which is what tells kernel time from per-run overhead.</summary>
    public SessionOptions EnableProfiling(string filePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePrefix);
        fixed (byte* prefix = Utf8.Z(filePrefix))
        {
            OrtStatus.Check(OrtApi.EnableProfiling(Handle, prefix));
        }
        return this;
    }

    public SessionOptions SetLogId(string logId)
    {
        fixed (byte* id = Utf8.Z(logId))
        {
            OrtStatus.Check(OrtApi.SetSessionLogId(Handle, id));
        }
        return this;
    }

    public SessionOptions SetLogSeverity(OrtLoggingLevel level)
    {
        OrtStatus.Check(OrtApi.SetSessionLogSeverityLevel(Handle, (int)level));
        return this;
    }

    /// <summary>A session config entry, e.g. <c>session.intra_op.allow_spinning</c> = <c>0</c>.</summary>
    public SessionOptions AddConfigEntry(string key, string value)
    {
        fixed (byte* k = Utf8.Z(key), v = Utf8.Z(value))
        {
            OrtStatus.Check(OrtApi.AddSessionConfigEntry(Handle, k, v));
        }
        return this;
    }

    /// <summary>
    /// Appends a provider by ONNX Runtime's short name: <c>QNN</c>, <c>OpenVINO</c>, <c>XNNPACK</c>, <c>SNPE</c>,
    /// <c>WebGPU</c>, ... (CUDA and TensorRT have their own methods).
    /// </summary>
    public SessionOptions AppendExecutionProvider(string name, IReadOnlyDictionary<string, string>? options = null)
    {
        using var kv = new KeyValueArrays(options);
        fixed (byte* n = Utf8.Z(name))
        {
            OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider(Handle, n, kv.Keys, kv.Values, kv.Count));
        }
        _providers.Add(name);
        return this;
    }

    /// <summary>Appends the CUDA provider with string options (<c>device_id</c>, <c>gpu_mem_limit</c>, ...).</summary>
    public SessionOptions AppendCudaExecutionProvider(IReadOnlyDictionary<string, string>? options = null)
    {
        IntPtr cuda;
        OrtStatus.Check(OrtApi.CreateCUDAProviderOptions(&cuda));
        try
        {
            using var kv = new KeyValueArrays(options);
            OrtStatus.Check(OrtApi.UpdateCUDAProviderOptions(cuda, kv.Keys, kv.Values, kv.Count));
            OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider_CUDA_V2(Handle, cuda));
        }
        finally
        {
            OrtApi.ReleaseCUDAProviderOptions(cuda);
        }
        _providers.Add("CUDAExecutionProvider");
        return this;
    }

    /// <summary>Appends the TensorRT provider with string options (<c>trt_fp16_enable</c>, <c>trt_engine_cache_path</c>, ...).</summary>
    public SessionOptions AppendTensorRtExecutionProvider(IReadOnlyDictionary<string, string>? options = null)
    {
        IntPtr trt;
        OrtStatus.Check(OrtApi.CreateTensorRTProviderOptions(&trt));
        try
        {
            using var kv = new KeyValueArrays(options);
            OrtStatus.Check(OrtApi.UpdateTensorRTProviderOptions(trt, kv.Keys, kv.Values, kv.Count));
            OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider_TensorRT_V2(Handle, trt));
        }
        finally
        {
            OrtApi.ReleaseTensorRTProviderOptions(trt);
        }
        _providers.Add("TensorrtExecutionProvider");
        return this;
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Keys and values as native UTF-8 arrays for the provider-options calls.</summary>
    private sealed class KeyValueArrays : IDisposable
    {
        private readonly OrtNames _keys;
        private readonly OrtNames _values;

        public KeyValueArrays(IReadOnlyDictionary<string, string>? options)
        {
            var pairs = options?.ToArray() ?? [];
            _keys = new OrtNames(pairs.Select(p => p.Key).ToArray());
            _values = new OrtNames(pairs.Select(p => p.Value).ToArray());
        }

        public byte** Keys => _keys.Pointers;

        public byte** Values => _values.Pointers;

        public nuint Count => (nuint)_keys.Count;

        public void Dispose()
        {
            _keys.Dispose();
            _values.Dispose();
        }
    }
}
