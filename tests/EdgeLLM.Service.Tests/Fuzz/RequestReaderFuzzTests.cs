using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>The reader's property: whatever the bytes, it returns a request or an error with a code, and never throws.</summary>
public sealed class RequestReaderFuzzTests
{
    [Fact]
    public void Every_generated_body_reads_as_a_request_or_an_error_with_a_code_and_never_throws()
    {
        const int limit = 2048;
        var reader = new RequestReader(limit);
        var random = new Random(FuzzSettings.Seed);
        var payloads = new HostilePayloads(random, limit);
        var outcomes = new Dictionary<string, int>();
        var cases = 20_000 * FuzzSettings.Scale;
        for (var i = 0; i < cases; i++)
        {
            var dialect = (RequestDialect)random.Next(3);
            var body = dialect == RequestDialect.Mqtt ? payloads.Mqtt($"f-{i}", random.Next(4) == 0 ? "fz/r" : null) : payloads.Rest(dialect == RequestDialect.OpenAiChat);
            ParsedRequest parsed;
            try
            {
                parsed = reader.Read(body, dialect);
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSettings.Reproduce(i)} ({payloads.LastKind}, {dialect}) threw {e}\npayload: {FuzzSettings.Show(body)}");
                return;
            }
            Assert.True((parsed.Request is null) != (parsed.Error is null), $"{FuzzSettings.Reproduce(i)}: neither or both of request and error\npayload: {FuzzSettings.Show(body)}");
            if (parsed.Error is { } error)
            {
                Assert.False(string.IsNullOrEmpty(error.Message), FuzzSettings.Reproduce(i));
                Assert.NotEqual(GenerationErrorCode.Internal, error.Code);
            }
            var key = parsed.Error?.WireCode ?? "request";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        // The generator must reach both sides of the property, or it proves nothing.
        Assert.True(outcomes.GetValueOrDefault("request") > cases / 20, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("bad_request") > cases / 4, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("payload_too_large") > 0, string.Join(", ", outcomes));
    }
}
