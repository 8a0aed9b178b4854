using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Onnx;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// Whether ONNX Runtime GenAI's native library can be loaded, found the way the <c>genai</c> executor's imports find
/// it (beside the app, then the system loader). The release artifacts ship it as the optional add-on
/// <see cref="AddOnPackage"/> (13 MB, only the <c>genai</c> executor uses it), so a base install has none and a plan
/// for GenAI is served by EdgeLLM's own executor; this lets the loader and <c>edgellm doctor</c> say so plainly
/// instead of passing on the loader's error.
/// </summary>
public static class GenAiLibrary
{
    /// <summary>The file the <c>genai</c> executor loads.</summary>
    public const string FileName = "libonnxruntime-genai.so";

    /// <summary>The add-on that installs <see cref="FileName"/> beside the app (<c>.deb</c> and tarball, docs/DEPLOY.md).</summary>
    public const string AddOnPackage = "edgellm-genai";

    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>True when the library loads here.</summary>
    public static bool IsAvailable => Located.Value is not null;

    /// <summary>Where the library was found (the file beside the app, or the name the system loader resolved); null when it is missing.</summary>
    public static string? Location => Located.Value;

    private static string? Locate()
    {
        // The same search as OgaNative's LibraryImports (the app's directory, then dlopen's), so the answer is theirs.
        if (!NativeLibrary.TryLoad("onnxruntime-genai", typeof(OgaNative).Assembly, null, out _))
        {
            return null;
        }
        var beside = Path.Combine(AppContext.BaseDirectory, FileName);
        var package = Path.Combine(AppContext.BaseDirectory, "runtimes", OrtLibrary.RuntimeIdentifier, "native", FileName);
        return File.Exists(beside) ? beside : File.Exists(package) ? package : $"{FileName} (system loader)";
    }
}
