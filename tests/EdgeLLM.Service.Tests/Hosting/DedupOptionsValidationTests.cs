using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Configuration;

namespace EdgeLLM.Service.Tests.Hosting;

public sealed class DedupOptionsValidationTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(-5, false)]
    [InlineData(1_000_001, false)]
    [InlineData(1, true)]
    [InlineData(4096, true)]
    public void Dedup_max_entries_must_be_between_1_and_a_million(int maxEntries, bool valid)
    {
        var options = new EdgeLLMOptions { Mqtt = { DedupMaxEntries = maxEntries } };
        var result = new EdgeLLMOptionsValidator().Validate(null, options);
        var failures = result.Failures ?? [];
        Assert.Equal(valid, !failures.Any(f => f.StartsWith("EdgeLLM:Mqtt:DedupMaxEntries must be between 1 and 1000000", StringComparison.Ordinal)));
    }
}
