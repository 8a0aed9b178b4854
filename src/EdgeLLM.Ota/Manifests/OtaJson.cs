using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeLLM.Ota.Manifests;

/// <summary>JSON writer settings for files people read (manifests, the state journal).</summary>
internal static class OtaJson
{
    /// <summary>Indented, with non-ASCII and '+' written literally (the canonical form does not depend on it).</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonWriterOptions IndentedWriter = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonWriterOptions CompactWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
