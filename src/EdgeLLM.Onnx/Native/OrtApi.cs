namespace EdgeLLM.Onnx.Native;

/// <summary>
/// The OrtApi function table as typed C# function pointers (the last type argument is the return type;
/// <c>IntPtr</c> returns are <c>OrtStatus*</c>). Each read is one load from the table: no delegates, no
/// marshalling stubs. Slots come from <see cref="OrtApiSlots"/>, generated from the C header.
/// </summary>
internal static unsafe class OrtApi
{
    private static void** _table;

    /// <summary>Set once by <see cref="OrtLibrary"/> after <c>GetApi(30)</c> succeeded.</summary>
    internal static void Initialize(void** table) => _table = table;

    private static void** Table => _table != null ? _table : LoadDefault();

    private static void** LoadDefault()
    {
        OrtLibrary.EnsureLoaded();
        return _table;
    }

    public static delegate* unmanaged[Cdecl]<int, byte*, IntPtr> CreateStatus => (delegate* unmanaged[Cdecl]<int, byte*, IntPtr>)Table[OrtApiSlots.CreateStatus];

    public static delegate* unmanaged[Cdecl]<IntPtr, int> GetErrorCode => (delegate* unmanaged[Cdecl]<IntPtr, int>)Table[OrtApiSlots.GetErrorCode];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*> GetErrorMessage => (delegate* unmanaged[Cdecl]<IntPtr, byte*>)Table[OrtApiSlots.GetErrorMessage];

    public static delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, byte*, byte*, void>, IntPtr, int, byte*, IntPtr*, IntPtr> CreateEnvWithCustomLogger => (delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, byte*, byte*, void>, IntPtr, int, byte*, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateEnvWithCustomLogger];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateSession];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr> Run => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr>)Table[OrtApiSlots.Run];

    public static delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateSessionOptions => (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[OrtApiSlots.CreateSessionOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionExecutionMode => (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[OrtApiSlots.SetSessionExecutionMode];
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr> EnableProfiling => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr>)Table[OrtApiSlots.EnableProfiling];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> EnableMemPattern => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.EnableMemPattern];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> DisableMemPattern => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.DisableMemPattern];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> EnableCpuMemArena => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.EnableCpuMemArena];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> DisableCpuMemArena => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.DisableCpuMemArena];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr> SetSessionLogId => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr>)Table[OrtApiSlots.SetSessionLogId];

    public static delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionLogSeverityLevel => (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[OrtApiSlots.SetSessionLogSeverityLevel];

    public static delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel => (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[OrtApiSlots.SetSessionGraphOptimizationLevel];

    public static delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetIntraOpNumThreads => (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[OrtApiSlots.SetIntraOpNumThreads];

    public static delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetInterOpNumThreads => (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Table[OrtApiSlots.SetInterOpNumThreads];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetInputCount => (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[OrtApiSlots.SessionGetInputCount];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetOutputCount => (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[OrtApiSlots.SessionGetOutputCount];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo => (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)Table[OrtApiSlots.SessionGetInputTypeInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo => (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)Table[OrtApiSlots.SessionGetOutputTypeInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName => (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)Table[OrtApiSlots.SessionGetInputName];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName => (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)Table[OrtApiSlots.SessionGetOutputName];

    public static delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateRunOptions => (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[OrtApiSlots.CreateRunOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> RunOptionsSetTerminate => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.RunOptionsSetTerminate];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> RunOptionsUnsetTerminate => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Table[OrtApiSlots.RunOptionsUnsetTerminate];

    public static delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, int, IntPtr*, IntPtr> CreateTensorAsOrtValue => (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, int, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateTensorAsOrtValue];

    public static delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue => (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateTensorWithDataAsOrtValue];

    public static delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> IsTensor => (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Table[OrtApiSlots.IsTensor];

    public static delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr> GetTensorMutableData => (delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)Table[OrtApiSlots.GetTensorMutableData];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Table[OrtApiSlots.CastTypeInfoToTensorInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo => (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Table[OrtApiSlots.GetOnnxTypeFromTypeInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetTensorElementType => (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Table[OrtApiSlots.GetTensorElementType];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> GetDimensionsCount => (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[OrtApiSlots.GetDimensionsCount];

    public static delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr> GetDimensions => (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)Table[OrtApiSlots.GetDimensions];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr> GetSymbolicDimensions => (delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr>)Table[OrtApiSlots.GetSymbolicDimensions];

    public static delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> GetTensorShapeElementCount => (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Table[OrtApiSlots.GetTensorShapeElementCount];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Table[OrtApiSlots.GetTensorTypeAndShape];

    public static delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo => (delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateCpuMemoryInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr> AllocatorFree => (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr>)Table[OrtApiSlots.AllocatorFree];

    public static delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions => (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[OrtApiSlots.GetAllocatorWithDefaultOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseEnv => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseEnv];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseStatus => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseStatus];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseMemoryInfo => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseMemoryInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSession => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseSession];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseValue => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseValue];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseRunOptions => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseRunOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTypeInfo => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseTypeInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTensorTypeAndShapeInfo => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseTensorTypeAndShapeInfo];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSessionOptions => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseSessionOptions];

    public static delegate* unmanaged[Cdecl]<byte***, int*, IntPtr> GetAvailableProviders => (delegate* unmanaged[Cdecl]<byte***, int*, IntPtr>)Table[OrtApiSlots.GetAvailableProviders];

    public static delegate* unmanaged[Cdecl]<byte**, int, IntPtr> ReleaseAvailableProviders => (delegate* unmanaged[Cdecl]<byte**, int, IntPtr>)Table[OrtApiSlots.ReleaseAvailableProviders];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry => (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr>)Table[OrtApiSlots.AddSessionConfigEntry];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr> RunWithBinding => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr>)Table[OrtApiSlots.RunWithBinding];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> CreateIoBinding => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Table[OrtApiSlots.CreateIoBinding];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseIoBinding => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseIoBinding];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr> BindInput => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr>)Table[OrtApiSlots.BindInput];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr> BindOutput => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr>)Table[OrtApiSlots.BindOutput];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr> BindOutputToDevice => (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr>)Table[OrtApiSlots.BindOutputToDevice];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr**, nuint*, IntPtr> GetBoundOutputValues => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr**, nuint*, IntPtr>)Table[OrtApiSlots.GetBoundOutputValues];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ClearBoundInputs => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ClearBoundInputs];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ClearBoundOutputs => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ClearBoundOutputs];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr> AddRunConfigEntry => (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr>)Table[OrtApiSlots.AddRunConfigEntry];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr> SessionOptionsAppendExecutionProvider_TensorRT_V2 => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Table[OrtApiSlots.SessionOptionsAppendExecutionProvider_TensorRT_V2];

    public static delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateTensorRTProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[OrtApiSlots.CreateTensorRTProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr> UpdateTensorRTProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr>)Table[OrtApiSlots.UpdateTensorRTProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTensorRTProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseTensorRTProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr> SessionOptionsAppendExecutionProvider_CUDA_V2 => (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Table[OrtApiSlots.SessionOptionsAppendExecutionProvider_CUDA_V2];

    public static delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateCUDAProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Table[OrtApiSlots.CreateCUDAProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr> UpdateCUDAProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr>)Table[OrtApiSlots.UpdateCUDAProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseCUDAProviderOptions => (delegate* unmanaged[Cdecl]<IntPtr, void>)Table[OrtApiSlots.ReleaseCUDAProviderOptions];

    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte**, byte**, nuint, IntPtr> SessionOptionsAppendExecutionProvider => (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte**, byte**, nuint, IntPtr>)Table[OrtApiSlots.SessionOptionsAppendExecutionProvider];
}
