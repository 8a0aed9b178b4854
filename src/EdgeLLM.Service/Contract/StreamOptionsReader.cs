using System.Text.Json;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// OpenAI's <c>stream_options</c>: <c>{"include_usage": true}</c> asks a stream for a last chunk holding the usage (with
/// no choices), and for <c>"usage": null</c> on every other chunk. OpenAI refuses it on a request that does not stream,
/// and so does EdgeLLM, rather than ignore a client that expects usage it would never get.
/// </summary>
internal static class StreamOptionsReader
{
    /// <summary>Whether the stream ends with a usage chunk.</summary>
    /// <param name="root">The request object.</param>
    /// <param name="stream">The request's <c>stream</c>.</param>
    /// <exception cref="FieldException">stream_options is not an object of booleans, or comes without stream.</exception>
    public static bool IncludeUsage(JsonElement root, bool stream)
    {
        if (!root.TryGetProperty("stream_options", out var options) || options.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        if (!stream)
        {
            throw new FieldException("stream_options", "only allowed when stream is true");
        }
        if (options.ValueKind != JsonValueKind.Object)
        {
            throw new FieldException("stream_options", $"must be an object like {{\"include_usage\": true}}, found {Fields.Kind(options)}");
        }
        if (!options.TryGetProperty("include_usage", out var include) || include.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        return include.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // OpenAI names the object, not the flag, as the parameter at fault.
            _ => throw new FieldException("stream_options", $"include_usage must be true or false, found {Fields.Kind(include)}"),
        };
    }
}
