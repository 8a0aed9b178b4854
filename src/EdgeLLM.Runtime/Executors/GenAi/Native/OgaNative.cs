using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Executors.GenAi.Native;

/// <summary>
/// The part of ONNX Runtime GenAI's C API (<c>ort_genai_c.h</c>, 0.18) that the managed package does not expose:
/// models from a raw <c>OgaConfig</c> and the Engine / Request / Turn API that batches requests. Bound against the
/// same <c>libonnxruntime-genai.so</c> the managed package loads (the package's <c>runtimes/&lt;rid&gt;/native</c>).
/// Every function returning an <c>OgaResult*</c> goes through <see cref="OgaResult.Check"/>.
/// </summary>
internal static unsafe partial class OgaNative
{
    private const string Library = "onnxruntime-genai";

    [LibraryImport(Library)]
    internal static partial byte* OgaResultGetError(IntPtr result);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyResult(IntPtr result);

    [LibraryImport(Library)]
    internal static partial void OgaShutdown();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OgaCreateConfig(string path, out IntPtr config);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaConfigClearProviders(OgaConfigHandle config);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OgaConfigAppendProvider(OgaConfigHandle config, string provider);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OgaConfigSetProviderOption(OgaConfigHandle config, string provider, string key, string value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OgaConfigOverlay(OgaConfigHandle config, string json);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyConfig(IntPtr config);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaCreateModelFromConfig(OgaConfigHandle config, out IntPtr model);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyModel(IntPtr model);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaCreateEngine(OgaModelHandle model, out IntPtr engine);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyEngine(IntPtr engine);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineGetCapabilities(OgaEngineHandle engine, out IntPtr capabilities);

    [LibraryImport(Library)]
    internal static partial nuint OgaEngineCapabilitiesGetConfiguredMaxBatchSize(IntPtr capabilities);

    [LibraryImport(Library)]
    internal static partial nuint OgaEngineCapabilitiesGetMaxScheduledTokens(IntPtr capabilities);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyEngineCapabilities(IntPtr capabilities);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaCreateEngineEventBuffer(OgaEngineHandle engine, nuint capacity, out IntPtr buffer);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyEngineEventBuffer(IntPtr buffer);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineRun(OgaEngineHandle engine, OgaEventBufferHandle buffer);

    [LibraryImport(Library)]
    internal static partial nuint OgaEngineEventBufferGetCount(OgaEventBufferHandle buffer);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventBufferGet(OgaEventBufferHandle buffer, nuint index);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventGetFlags(IntPtr engineEvent, out uint flags);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventGetRequest(IntPtr engineEvent, out IntPtr request);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventGetToken(IntPtr engineEvent, out int token);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventGetFinishReason(IntPtr engineEvent, out uint reason);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineEventGetErrorCode(IntPtr engineEvent, out uint code);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaEngineCreateRequest(OgaEngineHandle engine, IntPtr options, out IntPtr request);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaRequestClose(OgaRequestHandle request);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyRequest(IntPtr request);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaRequestCreateTurnOptions(OgaRequestHandle request, out IntPtr options);

    [LibraryImport(Library)]
    internal static partial void OgaDestroyTurnOptions(IntPtr options);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetMaxGeneratedTokens(OgaTurnOptionsHandle options, ulong max);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetMinGeneratedTokens(OgaTurnOptionsHandle options, ulong min);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetDoSample(OgaTurnOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool doSample);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetTemperature(OgaTurnOptionsHandle options, float temperature);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetTopP(OgaTurnOptionsHandle options, float topP);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetTopK(OgaTurnOptionsHandle options, int topK);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaTurnOptionsSetRepetitionPenalty(OgaTurnOptionsHandle options, float penalty);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OgaTurnOptionsSetGuidance(OgaTurnOptionsHandle options, string guidanceType, string guidanceData);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaRequestBeginTurn(OgaRequestHandle request, OgaTurnOptionsHandle options, int* ids, ulong count, out ulong turnId);

    [LibraryImport(Library)]
    internal static partial IntPtr OgaRequestCancelTurn(OgaRequestHandle request, ulong turnId, [MarshalAs(UnmanagedType.U1)] out bool cancelled);
}
