using EdgeLLM.Runtime.Executors.GenAi.Native;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// GenAI's process-wide state. Its header asks callers to call <c>OgaShutdown</c> before exit, or its globals are
/// destroyed in undefined order at static destruction; this registers that call once, at process exit.
/// </summary>
internal static class GenAiRuntime
{
    private static int _registered;

    public static void EnsureShutdownAtExit()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => OgaNative.OgaShutdown();
        }
    }
}
