using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// An <c>/api/chat</c> or <c>/api/generate</c> body as read: a request for the engine, a request that only loads the
/// model (no messages, or an empty prompt: Ollama's way to warm a model up), or an error to answer.
/// </summary>
public sealed record OllamaRequest
{
    /// <summary>The model name as the client wrote it (<c>iot-assist</c>, <c>iot-assist:latest</c>).</summary>
    public string? Model { get; init; }

    /// <summary>What the engine runs; null for a load-only request or an error.</summary>
    public GenerationRequest? Request { get; init; }

    /// <summary>Ollama streams unless told <c>"stream": false</c>.</summary>
    public bool Stream { get; init; } = true;

    /// <summary>The tools this answer must call; null when the answer is text (no tools, or the conversation ends in tool results).</summary>
    public ToolChoice? Tools { get; init; }

    /// <summary>The request's <c>keep_alive</c>, or null when it gave none.</summary>
    public KeepAlive? KeepAlive { get; init; }

    public GenerationException? Error { get; init; }

    /// <summary>True for a valid request with nothing to generate.</summary>
    public bool LoadOnly => Error is null && Request is null;

    public static OllamaRequest Fail(GenerationErrorCode code, string message, string? model = null) =>
        new() { Model = model, Error = new GenerationException(code, message) };
}
