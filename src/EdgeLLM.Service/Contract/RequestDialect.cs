namespace EdgeLLM.Service.Contract;

/// <summary>Which front a request body came from; they share fields but differ in a few rules.</summary>
public enum RequestDialect
{
    /// <summary>Contract section 2: exactly one of prompt and messages, an optional id and reply_to.</summary>
    Mqtt,

    /// <summary>OpenAI <c>/v1/chat/completions</c>: messages required.</summary>
    OpenAiChat,

    /// <summary>OpenAI <c>/v1/completions</c>: prompt required.</summary>
    OpenAiCompletion,
}
