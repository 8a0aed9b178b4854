namespace EdgeLLM.Service.Tests.Rest;

/// <summary>Every REST contract test again with the service on ONNX Runtime GenAI's executor: the same answers, errors and metrics.</summary>
public sealed class GenAiRestApiTests : RestApiTests
{
    protected override string Executor => "genai";
}
