using EdgeLLM.Runtime.Models;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeLLM.Service.Tests.Hosting;

/// <summary>
/// The footprint the loader really measures for the default model (no fixed readings): every part within sane bounds
/// for a 6 MB INT4 model with a 3k vocabulary, the parts adding up to its total, and the measured parts adding up to
/// what the process holds after the load.
/// </summary>
[Collection(ResidentMemoryCollection.Name)]
public sealed class ModelFootprintMeasurementTests(ITestOutputHelper output)
{
    private const long MiB = 1 << 20;

    [Fact]
    public async Task The_default_models_footprint_is_measured_within_bounds_and_its_parts_add_up_to_the_process()
    {
        var runtime = MemoryReading.Settled().ResidentBytes;
        var plan = new ServingPlan { Threads = 1, MaxBatchSize = 8, RuntimeBytes = runtime };

        await using var loaded = new ModelLoader(plan, NullLoggerFactory.Instance).Load(DefaultModelSmoke.Directory);
        var after = MemoryReading.Settled().ResidentBytes;
        var f = loaded.CurrentFootprint();
        output.WriteLine(f.Describe());

        var weights = ModelDirectory.WeightsBytes(DefaultModelSmoke.Directory);
        Assert.Equal(runtime, f.RuntimeBytes);
        Assert.Equal(weights, f.WeightsFileBytes);
        Assert.Equal("/proc/self/status", f.MeasuredBy);
        // ONNX Runtime holds every INT4 weight (read, then prepacked): at least half the files, and far from the
        // hundreds of MiB a leak or a forgotten copy per layer would show.
        Assert.InRange(f.SessionBytes, weights / 2, 128 * MiB);
        // The 3,268-token tokenizer's compact tables and the template: well under a MiB (docs/ARCHITECTURE.md), above nothing.
        Assert.InRange(f.TokenizerBytes, 32 * 1024, 4 * MiB);
        Assert.Equal(8, f.BatchSlots);
        Assert.Equal(8 * loaded.Model.KvLayout.BytesPerSequence(512), f.KvReservedBytes);
        Assert.Equal(loaded.Engine.GetStats().KvCacheBytes, f.KvReservedBytes);
        // Lazily committed: nothing has decoded, so (almost) nothing of the 16 MiB is resident.
        Assert.InRange(f.KvResidentBytes, 0, MiB);
        Assert.True(f.ActivationBytes > 0);
        Assert.Equal(f.SessionBytes + f.TokenizerBytes + f.KvReservedBytes + f.ActivationBytes, f.ModelBytes);
        Assert.Equal(f.RuntimeBytes + f.ModelBytes, f.RequiredBytes);
        Assert.Equal(f.ModelBytes, loaded.MemoryBytes);
        // What the load measured is what the process gained: runtime + sessions + tokenizer is the resident set now,
        // within what the test host itself does between the readings.
        Assert.InRange(f.RuntimeBytes + f.SessionBytes + f.TokenizerBytes, after - 8 * MiB, after + 8 * MiB);
    }

    [Fact]
    public async Task Kv_pages_a_decoding_sequence_writes_show_up_as_resident_in_the_current_footprint()
    {
        var plan = new ServingPlan { Threads = 1, MaxBatchSize = 2, RuntimeBytes = 1 };
        await using var loaded = new ModelLoader(plan, NullLoggerFactory.Instance).Load(DefaultModelSmoke.Directory);
        var idle = loaded.CurrentFootprint().KvResidentBytes;

        var stream = loaded.Engine.Stream(new EdgeLLM.Runtime.Generation.GenerationRequest { Id = "kv-resident", Prompt = "turn on the kitchen lights", MaxTokens = 400, IgnoreEos = true, Temperature = 0 });
        var resident = 0L;
        await foreach (var delta in stream.ConfigureAwait(false))
        {
            resident = Math.Max(resident, loaded.CurrentFootprint().KvResidentBytes);
        }
        await stream.Result;

        // 400 positions of 4 layers × 2 KV heads × 64 floats, keys and values: about 1.6 MiB written, page by page.
        var written = 400 * loaded.Model.KvLayout.BytesPerToken;
        Assert.InRange(resident, idle + written / 2, loaded.Footprint.KvReservedBytes);
    }
}
