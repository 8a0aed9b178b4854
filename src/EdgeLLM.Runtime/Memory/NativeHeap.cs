using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Memory;

/// <summary>
/// The C heap that ONNX Runtime allocates from. Loading a model leaves free pages inside glibc's arenas (the graph,
/// the protobuf, the optimiser's copies are freed in the middle of an arena, where glibc does not give them back by
/// itself); <see cref="Trim"/> returns them to the system once loading is done.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>
    /// Gives free whole pages of every malloc arena back to the system (glibc's <c>malloc_trim(0)</c>). Returns false
    /// where the C library has no such call (musl): there is then nothing to do.
    /// </summary>
    public static bool Trim()
    {
        try
        {
            return MallocTrim(0) != 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
