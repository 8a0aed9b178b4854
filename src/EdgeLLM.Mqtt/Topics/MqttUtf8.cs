using System.Text;

namespace EdgeLLM.Mqtt.Topics;

/// <summary>
/// The UTF-8 rules libmosquitto 2.0 applies to topics and string properties (<c>mosquitto_validate_utf8</c>): no
/// U+0000, no unpaired surrogates, no control characters (U+0001–U+001F, U+007F–U+009F), no non-characters, and at
/// most 65535 bytes.
/// </summary>
internal static class MqttUtf8
{
    public const int MaxBytes = 65535;

    /// <summary>Null when <paramref name="text"/> is acceptable, else why not.</summary>
    public static string? Check(ReadOnlySpan<char> text)
    {
        int bytes = 0;
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[index..], out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"an unpaired UTF-16 surrogate at index {index} (not encodable as UTF-8)";
            }
            int value = rune.Value;
            if (value == 0)
            {
                return $"U+0000 at index {index}";
            }
            if (value <= 0x1F || (value >= 0x7F && value <= 0x9F))
            {
                return $"the control character U+{value:X4} at index {index}";
            }
            if ((value >= 0xFDD0 && value <= 0xFDEF) || (value & 0xFFFE) == 0xFFFE)
            {
                return $"the Unicode non-character U+{value:X4} at index {index}";
            }
            bytes += rune.Utf8SequenceLength;
            index += consumed;
        }
        return bytes > MaxBytes ? $"{bytes} UTF-8 bytes (at most {MaxBytes})" : null;
    }

    public static void Validate(string? text, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        if (Check(text) is { } problem)
        {
            throw new ArgumentException($"{paramName} is not a valid MQTT string: it contains {problem}.", paramName);
        }
    }
}
