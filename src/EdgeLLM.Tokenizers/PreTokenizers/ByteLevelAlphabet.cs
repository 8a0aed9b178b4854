using System.Text;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>
/// GPT-2's byte-to-character table: every byte becomes a printable character (printable Latin-1 bytes map to
/// themselves, the others to U+0100 onwards), so byte-level BPE vocabularies are plain strings.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildTable();
    // Every alphabet character is below U+0144; -1 marks characters outside the alphabet.
    private static readonly short[] CharToByte = Invert();

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] Invert()
    {
        var map = new short[0x144];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (short)b;
        }
        return map;
    }

    /// <summary>The byte an alphabet character stands for; false for characters outside the alphabet.</summary>
    private static bool TryGetByte(char c, out byte b)
    {
        var v = c < CharToByte.Length ? CharToByte[c] : (short)-1;
        b = (byte)v;
        return v >= 0;
    }

    /// <summary>Most bytes <see cref="GetBytes"/> writes for <paramref name="chars"/> characters.</summary>
    public static int MaxByteCount(int chars) => 3 * chars;

    /// <summary>Back from alphabet characters to bytes, as <see cref="AppendBytes"/>, into a span; returns the count.</summary>
    public static int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        var n = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (TryGetByte(chars[i], out var b))
            {
                bytes[n++] = b;
            }
            else
            {
                var width = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length ? 2 : 1;
                n += Encoding.UTF8.GetBytes(chars.Slice(i, width), bytes[n..]);
                i += width - 1;
            }
        }
        return n;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each written as its alphabet character.</summary>
    public static string Encode(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var count = Encoding.UTF8.GetBytes(text, bytes);
        return string.Create(count, bytes[..count].ToArray(), static (chars, b) =>
        {
            for (var i = 0; i < b.Length; i++)
            {
                chars[i] = ByteToChar[b[i]];
            }
        });
    }

    /// <summary>Back from alphabet characters to bytes; characters outside the alphabet are kept as their UTF-8.</summary>
    public static void AppendBytes(ReadOnlySpan<char> chars, List<byte> bytes)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < chars.Length; i++)
        {
            if (TryGetByte(chars[i], out var b))
            {
                bytes.Add(b);
            }
            else
            {
                var len = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length
                    ? Encoding.UTF8.GetBytes(chars.Slice(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(chars.Slice(i, 1), utf8);
                for (var k = 0; k < len; k++)
                {
                    bytes.Add(utf8[k]);
                }
            }
        }
    }
}
