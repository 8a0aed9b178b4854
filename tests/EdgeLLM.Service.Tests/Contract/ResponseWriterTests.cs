using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Contract;

public class ResponseWriterTests
{
    [Fact]
    public void A_final_response_has_the_contract_shape()
    {
        var result = new GenerationResult("r-17", "iot-assist", "{\"device\":\"light\"}", [1, 2], FinishReason.Stop,
            new Usage(12, 40, 0, 35.2, 410.0, 1.9));
        using var doc = JsonDocument.Parse(ResponseWriter.Final(result));
        var r = doc.RootElement;
        Assert.Equal("r-17", r.GetProperty("id").GetString());
        Assert.True(r.GetProperty("done").GetBoolean());
        Assert.Equal("iot-assist", r.GetProperty("model").GetString());
        Assert.Equal("{\"device\":\"light\"}", r.GetProperty("text").GetString());
        Assert.Equal("stop", r.GetProperty("finish_reason").GetString());
        var u = r.GetProperty("usage");
        Assert.Equal(12, u.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(40, u.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(35.2, u.GetProperty("ttft_ms").GetDouble());
        Assert.Equal(410.0, u.GetProperty("total_ms").GetDouble());
        Assert.Equal(97.56, u.GetProperty("tokens_per_s").GetDouble());
        Assert.Equal(1.9, u.GetProperty("energy_j").GetDouble());
    }

    [Fact]
    public void Usage_reports_drafted_and_accepted_tokens_only_when_the_request_drafted()
    {
        var usage = new Usage(12, 40, 0, 35.2, 410.0, 1.9);
        var drafted = new GenerationResult("r-1", "iot-assist-pro", "x", [1], FinishReason.Stop, usage with { DraftedTokens = 30, AcceptedDraftTokens = 28 });
        using (var doc = JsonDocument.Parse(ResponseWriter.Final(drafted)))
        {
            var u = doc.RootElement.GetProperty("usage");
            Assert.Equal(30, u.GetProperty("drafted_tokens").GetInt32());
            Assert.Equal(28, u.GetProperty("accepted_draft_tokens").GetInt32());
        }
        using var plain = JsonDocument.Parse(ResponseWriter.Final(drafted with { Usage = usage }));
        Assert.False(plain.RootElement.GetProperty("usage").TryGetProperty("drafted_tokens", out _));
    }

    [Fact]
    public void Chunks_and_errors_have_the_contract_shape()
    {
        using var chunk = JsonDocument.Parse(ResponseWriter.Chunk("r-1", 3, "ab"));
        Assert.Equal(3, chunk.RootElement.GetProperty("seq").GetInt32());
        Assert.Equal("ab", chunk.RootElement.GetProperty("delta").GetString());
        using var error = JsonDocument.Parse(ResponseWriter.Error(null, GenerationErrorCode.ContextOverflow, "too long"));
        Assert.Equal(JsonValueKind.Null, error.RootElement.GetProperty("id").ValueKind);
        Assert.True(error.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal("context_overflow", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("too long", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
