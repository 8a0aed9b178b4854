namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// Remembers the last few incoming topics so a service receiving on the same topics over and over does not allocate a
/// new topic string per message. Used only from the network thread, so it needs no locking.
/// </summary>
internal sealed unsafe class TopicCache
{
    private const int Capacity = 8;
    private readonly byte[]?[] _utf8 = new byte[]?[Capacity];
    private readonly string?[] _topics = new string?[Capacity];
    private int _next;

    public string Get(IntPtr nativeTopic)
    {
        ReadOnlySpan<byte> utf8 = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)nativeTopic);
        for (int i = 0; i < Capacity; i++)
        {
            if (_utf8[i] is { } known && utf8.SequenceEqual(known))
            {
                return _topics[i]!;
            }
        }
        string topic = System.Text.Encoding.UTF8.GetString(utf8);
        _utf8[_next] = utf8.ToArray();
        _topics[_next] = topic;
        _next = (_next + 1) % Capacity;
        return topic;
    }
}
