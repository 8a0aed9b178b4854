using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>
/// Finds and loads <c>libonnxruntime</c> once per process and binds its C API (version 30: ONNX Runtime 1.30 or newer).
/// Order: an explicit path, then <c>EDGELLM_ORT_LIBRARY</c>, then the library of the official
/// <c>Microsoft.ML.OnnxRuntime</c> package (<c>runtimes/&lt;rid&gt;/native/libonnxruntime.so</c> next to the app,
/// or flat beside it in a RID-specific publish), then the system loader. Another ONNX Runtime build
/// (CUDA/TensorRT on Jetson, QNN, OpenVINO) is used by pointing the explicit path or the variable at it.
/// </summary>
/// <remarks>
/// Every ONNX Runtime build carries the soname <c>libonnxruntime.so.1</c>. ONNX Runtime GenAI <c>dlopen</c>s that
/// name, and the dynamic loader answers a name already loaded with the loaded object, so loading the chosen
/// library here before GenAI's first call makes both executors share one ONNX Runtime per process.
/// </remarks>
public static unsafe class OrtLibrary
{
    /// <summary>The C API version EdgeLLM was built against (ONNX Runtime 1.30).</summary>
    public const uint ApiVersion = 30;

    public const string EnvironmentVariable = "EDGELLM_ORT_LIBRARY";

    private static readonly Lock Gate = new();
    private static string? _path;
    private static string? _version;

    public static bool IsLoaded => _path is not null;

    /// <summary>The file that was loaded.</summary>
    public static string LibraryPath => _path ?? throw new InvalidOperationException("ONNX Runtime is not loaded");

    /// <summary>ONNX Runtime's own version string, e.g. <c>1.30.0</c>.</summary>
    public static string Version => _version ?? throw new InvalidOperationException("ONNX Runtime is not loaded");

    /// <summary>Loads the library with the default search order unless it is loaded already.</summary>
    public static void EnsureLoaded()
    {
        if (_path is null)
        {
            Load();
        }
    }

    /// <summary>
    /// Loads ONNX Runtime. <paramref name="explicitPath"/> (from configuration) comes first. Loading twice with
    /// the same path is a no-op; asking for a different library after one is loaded is an error, because a
    /// process can hold only one ONNX Runtime.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No candidate loaded, or the library is too old.</exception>
    public static void Load(string? explicitPath = null)
    {
        lock (Gate)
        {
            if (_path is not null)
            {
                if (explicitPath is not null && Path.GetFullPath(explicitPath) != _path)
                {
                    throw new InvalidOperationException($"ONNX Runtime is already loaded from {_path}; cannot switch to {explicitPath} in the same process");
                }
                return;
            }
            var tried = new StringBuilder();
            foreach (var (candidate, origin) in Candidates(explicitPath))
            {
                try
                {
                    var handle = NativeLibrary.Load(candidate);
                    Bind(handle, candidate, tried);
                    _path = Path.IsPathRooted(candidate) ? Path.GetFullPath(candidate) : candidate;
                    return;
                }
                catch (DllNotFoundException e)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): {FirstLine(e.Message)}");
                }
                catch (BadImageFormatException e)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): not a loadable library for this machine: {FirstLine(e.Message)}");
                }
                catch (EntryPointNotFoundException)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): loaded, but it has no OrtGetApiBase: not ONNX Runtime");
                }
                catch (OrtApiVersionException e)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): {e.Message}");
                }
            }
            throw new OnnxRuntimeNotFoundException(
                $"ONNX Runtime 1.30 or newer (libonnxruntime.so.1) could not be loaded. Looked at:{tried}\n" +
                $"Build with the Microsoft.ML.OnnxRuntime package restored (./install.sh), or set {EnvironmentVariable} (or EdgeLLM:Onnx:LibraryPath) to a libonnxruntime.so of version 1.30 or newer.");
        }
    }

    private static IEnumerable<(string Path, string Origin)> Candidates(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return (explicitPath, "configured path");
        }
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            yield return (fromEnv, $"{EnvironmentVariable}");
        }
        yield return (Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeIdentifier, "native", "libonnxruntime.so"), "the Microsoft.ML.OnnxRuntime package");
        yield return (Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so"), "the Microsoft.ML.OnnxRuntime package, RID-specific publish");
        yield return ("libonnxruntime.so.1", "system loader");
        yield return ("libonnxruntime.so", "system loader");
    }

    /// <summary><c>linux-x64</c> or <c>linux-arm64</c>: the package's native folder for this machine.</summary>
    public static string RuntimeIdentifier => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "linux-x64",
        Architecture.Arm64 => "linux-arm64",
        var other => $"linux-{other.ToString().ToLowerInvariant()}",
    };

    private static void Bind(IntPtr library, string candidate, StringBuilder tried)
    {
        var getApiBase = (delegate* unmanaged[Cdecl]<IntPtr>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = (void**)getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, void**>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "unknown";
        var table = getApi(ApiVersion);
        if (table == null)
        {
            NativeLibrary.Free(library);
            throw new OrtApiVersionException($"version {version} does not offer C API {ApiVersion}: EdgeLLM needs ONNX Runtime 1.30 or newer");
        }
        OrtApi.Initialize(table);
        _version = version;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>The execution providers this ONNX Runtime build offers, e.g. <c>CPUExecutionProvider</c>.</summary>
    public static IReadOnlyList<string> GetAvailableProviders()
    {
        EnsureLoaded();
        byte** names;
        int count;
        OrtStatus.Check(OrtApi.GetAvailableProviders(&names, &count));
        try
        {
            var list = new string[count];
            for (var i = 0; i < count; i++)
            {
                list[i] = Marshal.PtrToStringUTF8((IntPtr)names[i]) ?? "";
            }
            return list;
        }
        finally
        {
            OrtStatus.Check(OrtApi.ReleaseAvailableProviders(names, count));
        }
    }

    private sealed class OrtApiVersionException(string message) : Exception(message);
}
