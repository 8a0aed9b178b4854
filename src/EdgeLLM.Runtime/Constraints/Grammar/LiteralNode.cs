namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>Exact bytes: a <c>const</c> or <c>enum</c> value, <c>true</c>, <c>false</c>, <c>null</c>. Phase is the offset.</summary>
internal sealed class LiteralNode : GrammarNode
{
    public LiteralNode(byte[] bytes)
    {
        Bytes = bytes;
        MinBytes = bytes.Length;
    }

    public byte[] Bytes { get; }

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        if (f.Phase < Bytes.Length && Bytes[f.Phase] == b)
        {
            into.Add(f with { Phase = f.Phase + 1 });
        }
    }

    public override bool CanEnd(Frame f) => f.Phase == Bytes.Length;

    public override int Remaining(Frame f) => Bytes.Length - f.Phase;

    public override void AppendCompletion(Frame f, List<byte> into) => into.AddRange(Bytes.AsSpan(f.Phase));

    public override bool UpdateMinBytes() => false;
}
