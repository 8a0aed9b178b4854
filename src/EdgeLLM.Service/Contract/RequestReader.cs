using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// Reads a request body (contract section 2 over MQTT, or an OpenAI body over REST) into a
/// <see cref="GenerationRequest"/>. Every problem becomes an error naming the field; nothing throws for
/// bad input, whatever the bytes are (not UTF-8, not JSON, wrong types, too large).
/// Unknown fields are ignored over MQTT, as the contract says; over REST the OpenAI fields this runtime cannot
/// honour (<c>logprobs</c>, <c>echo</c>, …) are refused rather than silently dropped. A UTF-8 byte order mark before
/// the JSON is skipped. docs/LIMITS.md lists every limit checked here.
/// </summary>
public sealed class RequestReader
{
    public const int MaxIdLength = 128;
    public const int MaxStopStrings = SamplingFields.MaxStopStrings;
    /// <summary>Deepest JSON nesting of a body outside its schemas.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>
    /// Deepest JSON nesting a body is parsed to: room for a schema (<c>response_format</c>, tool <c>parameters</c>) of the
    /// schema compiler's own depth limit, which is checked there with a message about the schema. The rest of the
    /// body is held to <see cref="MaxJsonDepth"/> by <see cref="CheckDepth"/>.
    /// </summary>
    private const int MaxParseDepth = MaxJsonDepth + 2 * 64 + 8;
    public const int MaxMessages = Fields.MaxMessages;
    public const double MaxTemperature = SamplingFields.MaxTemperature;
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly int _maxPayloadBytes;
    private readonly TimeProvider _time;
    private readonly OutputConstraint? _bound;

    /// <param name="maxPayloadBytes">The largest body read.</param>
    /// <param name="time">The clock for deadlines.</param>
    /// <param name="bound">A constraint for requests that bring neither response_format nor tools (a schema bound to a topic).</param>
    public RequestReader(int maxPayloadBytes, TimeProvider? time = null, OutputConstraint? bound = null)
    {
        _bound = bound;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayloadBytes);
        _maxPayloadBytes = maxPayloadBytes;
        _time = time ?? TimeProvider.System;
    }

    public ParsedRequest Read(ReadOnlySpan<byte> payload, RequestDialect dialect)
    {
        using var doc = Open(payload, out var failure);
        if (doc is null)
        {
            return failure!;
        }
        try
        {
            return ReadObject(doc.RootElement, dialect);
        }
        catch (InvalidOperationException e)
        {
            // A property name holding an escaped lone surrogate makes even a name lookup throw.
            return ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, $"a name in the request is not valid Unicode: {e.Message}");
        }
    }

    /// <summary>
    /// The body as a JSON object under the limits every dialect shares (size, UTF-8, JSON, nesting, an object at the
    /// top); null, with <paramref name="failure"/> saying why, when it is not one.
    /// </summary>
    internal JsonDocument? Open(ReadOnlySpan<byte> payload, out ParsedRequest? failure)
    {
        failure = null;
        // Windows tools (PowerShell's Out-File, Notepad) put a BOM before the JSON; RFC 8259 lets a parser skip it.
        if (payload.StartsWith(Utf8Bom))
        {
            payload = payload[Utf8Bom.Length..];
        }
        if (payload.Length > _maxPayloadBytes)
        {
            failure = ParsedRequest.Fail(null, GenerationErrorCode.PayloadTooLarge, $"payload of {payload.Length} bytes exceeds the limit of {_maxPayloadBytes}");
            return null;
        }
        try
        {
            StrictUtf8.GetCharCount(payload);
        }
        catch (DecoderFallbackException)
        {
            failure = ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, "payload is not valid UTF-8");
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = MaxParseDepth });
        }
        catch (JsonException e)
        {
            failure = ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, $"payload is not JSON: {e.Message}");
            return null;
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            failure = ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, "payload must be a JSON object");
            return null;
        }
        bool tooDeep;
        try
        {
            tooDeep = !CheckDepth(doc.RootElement, 1, schemaAt: null);
        }
        catch (InvalidOperationException e)
        {
            // A property name holding an escaped lone surrogate makes even a name lookup throw.
            doc.Dispose();
            failure = ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, $"a name in the request is not valid Unicode: {e.Message}");
            return null;
        }
        if (tooDeep)
        {
            doc.Dispose();
            failure = ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, $"payload nests deeper than {MaxJsonDepth} levels outside response_format and tool parameters");
            return null;
        }
        return doc;
    }

    private ParsedRequest ReadObject(JsonElement root, RequestDialect dialect)
    {
        var fields = new Fields(root);
        string? id = null;
        string? replyTo = null;
        if (dialect == RequestDialect.Mqtt)
        {
            if (!fields.TryOptionalString("id", out id, out var idError))
            {
                return ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, idError!);
            }
            if (id is not null && (id.Length == 0 || id.Length > MaxIdLength))
            {
                return ParsedRequest.Fail(null, GenerationErrorCode.BadRequest, $"id: must be 1 to {MaxIdLength} characters");
            }
            if (!fields.TryOptionalString("reply_to", out replyTo, out var replyError))
            {
                return ParsedRequest.Fail(id, GenerationErrorCode.BadRequest, replyError!);
            }
            // Whether reply_to can be published to is the reply routing's question (MqttReplyTarget), not the reader's.
        }
        var generated = id is null;
        id ??= NewId();
        try
        {
            var request = Build(fields, dialect, id, out var stream, out var tools);
            // MQTT has its own final with usage; stream_options is OpenAI's, and unknown fields are ignored over MQTT.
            var includeUsage = dialect != RequestDialect.Mqtt && StreamOptionsReader.IncludeUsage(fields.Root, stream);
            return new ParsedRequest
            {
                Id = id, IdGenerated = generated, Request = request, Stream = stream, IncludeUsage = includeUsage, ReplyTo = replyTo,
                JsonResponse = request.Constraint is not null, Tools = tools,
            };
        }
        catch (FieldException e)
        {
            return ParsedRequest.Fail(id, GenerationErrorCode.BadRequest, e.Message, replyTo, e.Field);
        }
        catch (InvalidOperationException e)
        {
            // Fields reads its own strings safely; this catches a string read elsewhere (a parser hooked in for a
            // newer field) that holds an escaped lone surrogate, so no field can turn bad input into a crash.
            return ParsedRequest.Fail(id, GenerationErrorCode.BadRequest, $"a string in the request is not valid Unicode: {e.Message}", replyTo);
        }
    }

    private GenerationRequest Build(Fields f, RequestDialect dialect, string id, out bool stream, out ToolChoice? tools)
    {
        var hasPrompt = f.Has("prompt");
        var hasMessages = f.Has("messages");
        switch (dialect)
        {
            case RequestDialect.Mqtt when hasPrompt == hasMessages:
                throw new FieldException("exactly one of prompt and messages must be given");
            case RequestDialect.OpenAiChat when !hasMessages:
                throw new FieldException("messages", "required");
            case RequestDialect.OpenAiCompletion when !hasPrompt:
                throw new FieldException("prompt", "required");
        }
        string? prompt = null;
        List<PromptMessage>? messages = null;
        if (dialect != RequestDialect.OpenAiChat && hasPrompt)
        {
            prompt = f.PromptText("prompt");
        }
        if (dialect != RequestDialect.OpenAiCompletion && hasMessages)
        {
            messages = f.Messages("messages");
        }
        if (dialect != RequestDialect.Mqtt && f.OptionalInt("n") is { } n && n != 1)
        {
            throw new FieldException("n", "only 1 completion per request is supported");
        }
        if (dialect != RequestDialect.Mqtt)
        {
            f.RefuseUnsupported("logprobs", "token log-probabilities are not returned by this runtime");
            f.RefuseUnsupported("top_logprobs", "token log-probabilities are not returned by this runtime");
            f.RefuseUnsupported("echo", "the prompt is not echoed back by this runtime");
            f.RefuseUnsupported("best_of", "only 1 completion per request is supported");
        }
        stream = f.OptionalBool("stream") ?? false;
        // Contract v1.2, "text is text": special tokens written in a raw prompt are plain text unless asked for.
        var parseSpecial = f.OptionalBool("parse_special_tokens") ?? false;
        if (parseSpecial && prompt is null)
        {
            throw new FieldException("parse_special_tokens", "applies to a raw prompt only; message content is always plain text");
        }
        var constraint = OutputConstraintReader.Read(f.Root, out tools) ?? _bound;
        var maxTokensName = dialect == RequestDialect.OpenAiChat && !f.Has("max_tokens") ? "max_completion_tokens" : "max_tokens";
        var sampling = SamplingFields.Read(f, maxTokensName, "repetition_penalty");
        foreach (var penalty in (ReadOnlySpan<string>)["frequency_penalty", "presence_penalty"])
        {
            // Accepted for OpenAI clients and not applied (repetition_penalty is this runtime's), but held to OpenAI's range.
            if (f.OptionalDouble(penalty) is { } value && value is < -2 or > 2)
            {
                throw new FieldException(penalty, $"must be between -2 and 2, found {value}");
            }
        }
        var now = _time.GetUtcNow();
        var admission = AdmissionFields.Read(f, now);
        var request = new GenerationRequest
        {
            Id = id,
            Prompt = prompt,
            PromptIsPlainText = !parseSpecial,
            Messages = messages,
            Model = f.OptionalString("model"),
            Constraint = constraint,
            ReceivedAt = now,
        };
        return admission.ApplyTo(sampling.ApplyTo(request));
    }

    /// <summary>
    /// True when <paramref name="e"/> nests at most <see cref="MaxJsonDepth"/> levels, not counting what lies inside a
    /// schema (<c>response_format.json_schema.schema</c>, <c>tools[].function.parameters</c>): a schema's depth is the
    /// schema compiler's to judge, so a schema six objects deep is not refused as a body too deep (issue 27).
    /// <paramref name="schemaAt"/> tracks the path towards a schema: the names still to match.
    /// </summary>
    private static bool CheckDepth(JsonElement e, int depth, string[]? schemaAt)
    {
        if (schemaAt is { Length: 0 })
        {
            return true;
        }
        if (depth > MaxJsonDepth)
        {
            return false;
        }
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var next = depth == 1 ? p.Name switch
                    {
                        "response_format" => ["json_schema", "schema"],
                        "tools" => ["*", "function", "parameters"],
                        _ => null,
                    } : schemaAt is { } path && path[0] == p.Name ? path[1..] : null;
                    if (!CheckDepth(p.Value, depth + 1, next))
                    {
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    if (!CheckDepth(item, depth + 1, schemaAt is { } path && path[0] == "*" ? path[1..] : null))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>A fresh id for requests that came without one.</summary>
    public static string NewId() => "r-" + Guid.NewGuid().ToString("N")[..16];
}
