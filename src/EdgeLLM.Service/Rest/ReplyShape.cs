namespace EdgeLLM.Service.Rest;

/// <summary>
/// What one completion's answer looks like on the wire, fixed once the request is read: chat or text, its id and
/// creation time, whether the answer is a tool call, and whether a stream ends with a usage chunk.
/// </summary>
/// <param name="Chat">A chat completion (else a text completion).</param>
/// <param name="Id">The answer's id (<c>chatcmpl-…</c>, <c>cmpl-…</c>).</param>
/// <param name="Created">Unix seconds.</param>
/// <param name="Tools">The request brought tools: the answer's text is a call, sent as <c>tool_calls</c>.</param>
/// <param name="IncludeUsage"><c>stream_options.include_usage</c>.</param>
internal sealed record ReplyShape(bool Chat, string Id, long Created, bool Tools, bool IncludeUsage);
