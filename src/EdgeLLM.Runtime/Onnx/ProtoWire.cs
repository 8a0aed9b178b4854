using System.Buffers;
using System.Text;

namespace EdgeLLM.Runtime.Onnx;

/// <summary>Protocol-buffer wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// One field of a protocol-buffer message as it lies in the bytes: its number, wire type, where its tag starts and
/// where it ends, and for a length-delimited field the payload's range. Editing an ONNX graph needs only this much
/// of the format: fields are copied as byte ranges, and only the few that change are decoded and written anew.
/// </summary>
internal readonly record struct ProtoField(int Number, WireType Type, int Start, int End, int PayloadStart, ulong Varint)
{
    public Range Whole => Start..End;

    public Range Payload => PayloadStart..End;
}

/// <summary>Reads the top-level fields of one message (nested messages are read by reading their payload again).</summary>
internal static class ProtoReader
{
    /// <exception cref="InvalidDataException">The bytes are not a well-formed message.</exception>
    public static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var position = 0;
        while (position < message.Length)
        {
            var start = position;
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            var type = (WireType)(tag & 7);
            if (number <= 0)
            {
                throw new InvalidDataException($"field number {number} at byte {start}");
            }
            switch (type)
            {
                case WireType.Varint:
                    var value = ReadVarint(message, ref position);
                    fields.Add(new ProtoField(number, type, start, position, position, value));
                    break;
                case WireType.Fixed64:
                    fields.Add(new ProtoField(number, type, start, Advance(message, ref position, 8), start, 0));
                    break;
                case WireType.Fixed32:
                    fields.Add(new ProtoField(number, type, start, Advance(message, ref position, 4), start, 0));
                    break;
                case WireType.LengthDelimited:
                    var length = ReadVarint(message, ref position);
                    if (length > (ulong)(message.Length - position))
                    {
                        throw new InvalidDataException($"field {number} at byte {start} claims {length} bytes; {message.Length - position} remain");
                    }
                    var payload = position;
                    fields.Add(new ProtoField(number, type, start, Advance(message, ref position, (int)length), payload, length));
                    break;
                default:
                    throw new InvalidDataException($"field {number} at byte {start} has wire type {(int)type}, which ONNX files do not use");
            }
        }
        return fields;
    }

    public static string String(ReadOnlySpan<byte> message, ProtoField field) => Encoding.UTF8.GetString(message[field.Payload]);

    /// <summary>The first length-delimited field <paramref name="number"/> as text (a name, a key), or null.</summary>
    public static string? FirstString(ReadOnlySpan<byte> message, int number)
    {
        foreach (var f in Fields(message))
        {
            if (f.Number == number && f.Type == WireType.LengthDelimited)
            {
                return String(message, f);
            }
        }
        return null;
    }

    /// <summary>The values of a packed repeated varint field (its payload).</summary>
    /// <exception cref="InvalidDataException">A varint runs past the payload.</exception>
    public static List<ulong> PackedVarints(ReadOnlySpan<byte> payload)
    {
        var values = new List<ulong>();
        var position = 0;
        while (position < payload.Length)
        {
            values.Add(ReadVarint(payload, ref position));
        }
        return values;
    }

    private static int Advance(ReadOnlySpan<byte> message, ref int position, int count)
    {
        if (count > message.Length - position)
        {
            throw new InvalidDataException($"message ends inside a field at byte {position}");
        }
        position += count;
        return position;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new InvalidDataException("message ends inside a varint");
            }
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException($"varint longer than ten bytes before byte {position}");
    }
}

/// <summary>Writes protocol-buffer fields into a growing buffer.</summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public ProtoWriter(int capacity = 256) => _buffer = new ArrayBufferWriter<byte>(Math.Max(1, capacity));

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void Varint(int number, ulong value)
    {
        Tag(number, WireType.Varint);
        WriteVarint(value);
    }

    public void Bytes(int number, ReadOnlySpan<byte> payload)
    {
        LengthPrefix(number, (ulong)payload.Length);
        _buffer.Write(payload);
    }

    /// <summary>The tag and length of a length-delimited field whose payload the caller places after it.</summary>
    public void LengthPrefix(int number, ulong length)
    {
        Tag(number, WireType.LengthDelimited);
        WriteVarint(length);
    }

    public void String(int number, string value) => Bytes(number, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message, written by <paramref name="body"/>.</summary>
    public void Message(int number, Action<ProtoWriter> body)
    {
        var nested = new ProtoWriter();
        body(nested);
        Bytes(number, nested.Written);
    }

    private void Tag(int number, WireType type) => WriteVarint(((ulong)number << 3) | (ulong)type);

    private void WriteVarint(ulong value)
    {
        Span<byte> bytes = stackalloc byte[10];
        var count = 0;
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes[count++] = value == 0 ? b : (byte)(b | 0x80);
        }
        while (value != 0);
        _buffer.Write(bytes[..count]);
    }
}
