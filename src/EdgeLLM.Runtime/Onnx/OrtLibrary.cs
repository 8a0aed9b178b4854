using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Chooses the one <c>libonnxruntime</c> of the process and hands it to the official managed API
/// (<c>Microsoft.ML.OnnxRuntime</c>) through a DllImport resolver. Order: an explicit path
/// (<c>EdgeLLM:Onnx:LibraryPath</c>), then <c>EDGELLM_ORT_LIBRARY</c>, then the package's own library
/// (<c>runtimes/&lt;rid&gt;/native/libonnxruntime.so</c> next to the app, or flat beside it in a RID-specific
/// publish), then the system loader. Another build (CUDA/TensorRT on Jetson, QNN, OpenVINO) is used by pointing
/// the path or the variable at it. Must run before any other use of the managed API; every EdgeLLM entry point
/// (<see cref="OrtEnvironment"/>, model loading, the GenAI executor) calls it first.
/// </summary>
/// <remarks>
/// Every ONNX Runtime build carries the soname <c>libonnxruntime.so.1</c>. ONNX Runtime GenAI <c>dlopen</c>s that
/// name, and the dynamic loader answers a name already loaded with the loaded object, so loading the chosen
/// library here before GenAI's first call makes both executors share one ONNX Runtime per process.
/// The package's own resolver is switched off (<see cref="OrtEnv.DisableDllImportResolver"/>): it would look only
/// in the package's folders.
/// </remarks>
public static unsafe class OrtLibrary
{
    /// <summary>The C API version the managed package 1.31 needs from the native library.</summary>
    private const uint ApiVersion = 31;

    /// <summary>The environment variable that names another libonnxruntime.</summary>
    public const string EnvironmentVariable = "EDGELLM_ORT_LIBRARY";

    private static readonly Lock Gate = new();
    private static string? _path;
    private static string? _version;
    private static IntPtr _handle;

    /// <summary>True once a library is chosen and loaded.</summary>
    public static bool IsLoaded => _path is not null;

    /// <summary>The file that was loaded.</summary>
    public static string LibraryPath => _path ?? throw new InvalidOperationException("ONNX Runtime is not loaded");

    /// <summary>ONNX Runtime's own version string, e.g. <c>1.31.1</c>.</summary>
    public static string Version => _version ?? throw new InvalidOperationException("ONNX Runtime is not loaded");

    /// <summary>Loads the library with the default search order unless it is loaded already.</summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No candidate loaded, or the library is too old.</exception>
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
            // Before the first load: ORT decides on its telemetry uploader as it initialises.
            OrtTelemetryOptOut.Apply();
            var tried = new StringBuilder();
            foreach (var (candidate, origin) in Candidates(explicitPath))
            {
                IntPtr handle;
                try
                {
                    handle = NativeLibrary.Load(candidate);
                }
                catch (DllNotFoundException e)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): {FirstLine(e.Message)}");
                    continue;
                }
                catch (BadImageFormatException e)
                {
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): not a loadable library for this machine: {FirstLine(e.Message)}");
                    continue;
                }
                if (Check(handle) is { } problem)
                {
                    NativeLibrary.Free(handle);
                    tried.Append(CultureInfo.InvariantCulture, $"\n  {candidate} ({origin}): {problem}");
                    continue;
                }
                _handle = handle;
                // Before the managed API's first native call: from here on its DllImports resolve to this handle.
                OrtEnv.DisableDllImportResolver = true;
                try
                {
                    NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException(
                        "the ONNX Runtime managed API was used before EdgeLLM chose its library: call OrtLibrary.Load (or OrtEnvironment.EnsureCreated) first", e);
                }
                _path = Path.IsPathRooted(candidate) ? Path.GetFullPath(candidate) : candidate;
                return;
            }
            throw new OnnxRuntimeNotFoundException(
                $"ONNX Runtime 1.31 or newer (libonnxruntime.so.1) could not be loaded. Looked at:{tried}\n" +
                $"Build with the Microsoft.ML.OnnxRuntime package restored (./install.sh), or set {EnvironmentVariable} (or EdgeLLM:Onnx:LibraryPath) to a libonnxruntime.so of version 1.31 or newer.");
        }
    }

    /// <summary>The execution providers this ONNX Runtime build offers, e.g. <c>CPUExecutionProvider</c>.</summary>
    public static IReadOnlyList<string> GetAvailableProviders()
    {
        OrtEnvironment.EnsureCreated();
        return OrtEnv.Instance().GetAvailableProviders();
    }

    /// <summary><c>linux-x64</c> or <c>linux-arm64</c>: the package's native folder for this machine.</summary>
    public static string RuntimeIdentifier => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "linux-x64",
        Architecture.Arm64 => "linux-arm64",
        var other => $"linux-{other.ToString().ToLowerInvariant()}",
    };

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name is "onnxruntime" or "libonnxruntime" or "libonnxruntime.so" or "libonnxruntime.so.1" ? _handle : IntPtr.Zero;

    private static IEnumerable<(string Path, string Origin)> Candidates(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return (explicitPath, "configured path");
        }
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            yield return (fromEnv, EnvironmentVariable);
        }
        yield return (Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeIdentifier, "native", "libonnxruntime.so"), "the Microsoft.ML.OnnxRuntime package");
        yield return (Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so"), "the Microsoft.ML.OnnxRuntime package, RID-specific publish");
        yield return ("libonnxruntime.so.1", "system loader");
        yield return ("libonnxruntime.so", "system loader");
    }

    /// <summary>
    /// Null when the library is an ONNX Runtime the managed package can drive, else why not. Asked here, before
    /// the package sees the library, because the package fails on a library without its API version with a type
    /// initializer error that names neither the file nor the version.
    /// </summary>
    private static string? Check(IntPtr library)
    {
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var export))
        {
            return "loaded, but it has no OrtGetApiBase: not ONNX Runtime";
        }
        var apiBase = (void**)((delegate* unmanaged[Cdecl]<IntPtr>)export)();
        var getApi = (delegate* unmanaged[Cdecl]<uint, void*>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "unknown";
        if (getApi(ApiVersion) == null)
        {
            return $"version {version} does not offer C API {ApiVersion}: EdgeLLM needs ONNX Runtime 1.31 or newer";
        }
        _version = version;
        return null;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
