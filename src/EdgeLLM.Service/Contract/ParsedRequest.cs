using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// The outcome of reading a request body: either a request ready for the runtime, or an error that
/// must be answered. <see cref="Id"/> is the id to echo: the request's own when it was readable.
/// </summary>
public sealed record ParsedRequest
{
    public string? Id { get; init; }

    /// <summary>True when the request came without an id and <see cref="Id"/> was made up for it.</summary>
    public bool IdGenerated { get; init; }

    public GenerationRequest? Request { get; init; }

    public bool Stream { get; init; }

    /// <summary>The request's <c>reply_to</c> topic (MQTT only).</summary>
    public string? ReplyTo { get; init; }

    public bool JsonResponse { get; init; }

    /// <summary>The tools the answer calls (OpenAI <c>tools</c>); the final then carries <c>tool_calls</c>.</summary>
    public ToolChoice? Tools { get; init; }

    public GenerationException? Error { get; init; }

    public static ParsedRequest Fail(string? id, GenerationErrorCode code, string message, string? replyTo = null) =>
        new() { Id = id, ReplyTo = replyTo, Error = new GenerationException(code, message) };
}
