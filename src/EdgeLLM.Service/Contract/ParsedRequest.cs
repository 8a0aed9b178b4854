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

    /// <summary>OpenAI's <c>stream_options.include_usage</c>: the stream ends with a chunk of usage and no choices.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The request's <c>reply_to</c> topic (MQTT only).</summary>
    public string? ReplyTo { get; init; }

    public bool JsonResponse { get; init; }

    /// <summary>The tools the answer calls (OpenAI <c>tools</c>); the final then carries <c>tool_calls</c>.</summary>
    public ToolChoice? Tools { get; init; }

    public GenerationException? Error { get; init; }

    /// <param name="id">The request's id, when it was readable.</param>
    /// <param name="code">The contract's error code.</param>
    /// <param name="message">Why, naming the field first when one is at fault.</param>
    /// <param name="replyTo">The request's <c>reply_to</c> (MQTT).</param>
    /// <param name="field">The field at fault (<see cref="GenerationException.Field"/>), or null.</param>
    public static ParsedRequest Fail(string? id, GenerationErrorCode code, string message, string? replyTo = null, string? field = null) =>
        new() { Id = id, ReplyTo = replyTo, Error = new GenerationException(code, message) { Field = field } };
}
