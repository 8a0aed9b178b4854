using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>
/// Switches ONNX Runtime's own usage telemetry off before the library is loaded. The Linux build of 1.31 starts
/// Microsoft's 1DS uploader when its environment is created: a thread for the life of the process, about 1.5 MiB of
/// resident memory, an SQLite cache under <c>$HOME/.cache/Microsoft/DeveloperTools/.onnxruntime</c> and uploads to
/// <c>mobile.events.data.microsoft.com</c>, none of which a constrained device (or its network-less, read-only unit)
/// wants (issue 25). ORT decides it once, from the variable <see cref="Variable"/>, as the environment is created;
/// <c>OrtEnv.DisableTelemetryEvents</c> only mutes events and leaves the uploader running.
/// </summary>
/// <remarks>
/// An operator's own value wins (<c>ORT_DISABLE_TELEMETRY=0</c> keeps ORT's telemetry). The variable is set with
/// libc's <c>setenv</c>: on Linux <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only .NET's
/// copy of the environment, which native code never reads.
/// </remarks>
internal static partial class OrtTelemetryOptOut
{
    /// <summary>The variable ONNX Runtime reads (1/true/yes/on: no uploader is created).</summary>
    public const string Variable = "ORT_DISABLE_TELEMETRY";

    /// <summary>Sets <see cref="Variable"/> to 1 in the native environment unless it is set already.</summary>
    public static void Apply()
    {
        // A failure (ENOMEM) leaves ORT's default; it is no reason not to serve.
        _ = SetEnvironment(Variable, "1", overwrite: 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
