using System.Runtime.CompilerServices;
using System.Text;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>How a sequence's text leaves an executor, the same for both: held back by the detokenizer and the stop
/// matcher, then sent as deltas.</summary>
internal static class SequenceOutput
{
    /// <summary>Sends what <paramref name="emit"/> holds as one delta (nothing when empty) and adds it to the sequence's text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Emit(StringBuilder emit, StringBuilder text, PendingRequest pending, int token)
    {
        if (emit.Length == 0)
        {
            return;
        }
        var delta = emit.ToString();
        text.Append(delta);
        pending.Emit(delta, token);
    }

    /// <summary>At a sequence's end: what the detokenizer and the stop matcher still hold, into <paramref name="emit"/>.</summary>
    public static void Flush(TokenizerStream stream, StopStringMatcher stops, StringBuilder emit)
    {
        emit.Clear();
        var tail = stream.Flush();
        if (!stops.Append(tail, emit))
        {
            stops.Flush(emit);
        }
    }
}
