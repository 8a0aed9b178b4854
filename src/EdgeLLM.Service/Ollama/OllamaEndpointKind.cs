namespace EdgeLLM.Service.Ollama;

/// <summary>Which of Ollama's two generation endpoints a body came to; they differ in input and in where the text goes.</summary>
public enum OllamaEndpointKind
{
    /// <summary><c>POST /api/chat</c>: <c>messages</c> in, <c>message.content</c> out.</summary>
    Chat,

    /// <summary><c>POST /api/generate</c>: <c>prompt</c> (and <c>system</c>, <c>raw</c>) in, <c>response</c> out.</summary>
    Generate,
}
