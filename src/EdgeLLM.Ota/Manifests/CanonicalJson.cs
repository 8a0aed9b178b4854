using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// The canonical JSON form that OTA signatures cover: object keys sorted ordinally (UTF-16 code units)
/// at every level, no whitespace, strings escaped minimally (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>,
/// other control characters as <c>\u00xx</c>; everything else literal UTF-8), numbers exactly as written
/// in the source document. Top-level properties named in <c>excluded</c> (the <c>signature</c>) are left out.
/// </summary>
/// <remarks>
/// For manifests made of strings, integers, booleans and objects this is the same byte sequence as
/// RFC 8785 (JCS) and as Python's <c>json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)</c>,
/// so third-party tooling can sign manifests too. Duplicate keys are refused: two parsers disagreeing on
/// which duplicate wins is a classic way to smuggle an unsigned value past a signature.
/// </remarks>
public static class CanonicalJson
{
    /// <summary>The canonical UTF-8 bytes of <paramref name="root"/> without the top-level <paramref name="excluded"/> keys.</summary>
    /// <exception cref="OtaManifestException">Duplicate keys or strings that are not valid Unicode.</exception>
    public static byte[] Serialize(JsonElement root, params string[] excluded)
    {
        var text = new StringBuilder(512);
        Write(root, "$", excluded, text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Parses <paramref name="json"/> and returns its canonical UTF-8 bytes without the top-level <paramref name="excluded"/> keys.</summary>
    public static byte[] Serialize(ReadOnlySpan<byte> json, params string[] excluded)
    {
        using var document = ParseStrict(json);
        return Serialize(document.RootElement, excluded);
    }

    internal static JsonDocument ParseStrict(ReadOnlySpan<byte> json)
    {
        try
        {
            // Copy because JsonDocument keeps a reference to the memory it parses.
            return JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new OtaManifestException("$", $"not valid JSON ({e.Message})", e);
        }
    }

    private static void Write(JsonElement element, string path, string[] excluded, StringBuilder output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, path, excluded, output);
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index > 0)
                    {
                        output.Append(',');
                    }

                    Write(item, $"{path}[{index}]", [], output);
                    index++;
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, path, output);
                break;
            case JsonValueKind.Number:
                output.Append(element.GetRawText());
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Null:
                output.Append("null");
                break;
            default:
                throw new OtaManifestException(path, $"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteObject(JsonElement element, string path, string[] excluded, StringBuilder output)
    {
        var properties = new List<JsonProperty>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new OtaManifestException(Child(path, property.Name), "appears more than once");
            }

            if (Array.IndexOf(excluded, property.Name) < 0)
            {
                properties.Add(property);
            }
        }

        properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        output.Append('{');
        for (var i = 0; i < properties.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            var childPath = Child(path, properties[i].Name);
            WriteString(properties[i].Name, childPath, output);
            output.Append(':');
            Write(properties[i].Value, childPath, [], output);
        }

        output.Append('}');
    }

    private static string Child(string path, string name) => path == "$" ? name : $"{path}.{name}";

    private static void WriteString(string value, string path, StringBuilder output)
    {
        output.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                output.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                throw new OtaManifestException(path, "contains a lone UTF-16 surrogate");
            }

            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }
}
