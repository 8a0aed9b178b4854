using System.Text;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// A request running in GenAI's engine: its <c>OgaRequest</c> and turn, and the EdgeLLM-side state that makes its
/// answer the same as the own loop's (detokenizer stream, stop strings, usage, energy).
/// </summary>
internal sealed class GenAiSequence(PendingRequest pending, OgaRequestHandle request, ulong turnId, TokenizerStream stream) : IDisposable
{
    public PendingRequest Pending { get; } = pending;

    public OgaRequestHandle Request { get; } = request;

    public ulong TurnId { get; } = turnId;

    public TokenizerStream Stream { get; } = stream;

    // Stop strings do not apply to a constrained answer (they could cut the value), as on EdgeLLM's own executor.
    public StopStringMatcher Stops { get; } = CreateStops(pending.Request.Constraint is null ? pending.Request.Stop : []);

    public List<int> Generated { get; } = [];

    public StringBuilder Text { get; } = new();

    public DateTimeOffset? FirstTokenAt { get; set; }

    public double EnergyJ { get; set; }

    public bool Finished { get; set; }

    private static StopStringMatcher CreateStops(IReadOnlyList<string> stops)
    {
        var matcher = new StopStringMatcher();
        matcher.Reset(stops);
        return matcher;
    }

    /// <summary>Closes the request in the engine (its later events are discarded) and frees the handle.</summary>
    public void Dispose()
    {
        if (Request.IsClosed)
        {
            return;
        }
        var result = OgaNative.OgaRequestClose(Request);
        if (result != IntPtr.Zero)
        {
            // Close fails only for a request GenAI already dropped; there is nothing left to release but the handle.
            OgaNative.OgaDestroyResult(result);
        }
        Request.Dispose();
    }
}
