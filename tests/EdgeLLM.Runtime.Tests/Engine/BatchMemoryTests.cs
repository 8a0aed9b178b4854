using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Runtime.Sampling;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Tests.Engine;

/// <summary>
/// IDecodeBatch's memory policy on the shared-buffer batch: KV, mask and logits pages are resident for the sequences
/// a batch holds, not for its capacity, and an emptied slot gives them back. Residency is read page by page of the
/// batch's own buffers (mincore), so other tests running at the same time do not blur it. Linux only, where the
/// buffers are lazily committed mappings.
/// </summary>
public class BatchMemoryTests
{
    private const int Capacity = 8;
    private const int MaxLength = 512;

    private static DecoderSession Open()
    {
        var config = GenAiConfig.Load(Path.Combine(TestPaths.DefaultModel, "genai_config.json"));
        OrtEnvironment.EnsureCreated();
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new DecoderSession(TestPaths.DefaultModel, config, options);
    }

    [Fact]
    public void Kv_memory_is_resident_for_the_admitted_sequence_only_and_returns_when_its_slot_empties()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var session = Open();
        using var batch = new SharedKvBatch(session, Capacity, MaxLength);
        var slotBytes = batch.KvBytes / Capacity;
        Assert.Equal(0, batch.KvResidentBytes());

        var (_, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        batch.Prefill(0, cases[0].PromptIds);
        batch.Prefill(1, cases[1].PromptIds);
        var tokens = new int[2];
        for (var i = 0; i < 8; i++)
        {
            tokens[0] = TokenSampler.ArgMax(batch.Logits(0));
            tokens[1] = TokenSampler.ArgMax(batch.Logits(1));
            batch.Decode(tokens);
        }
        var held = batch.KvResidentBytes();
        // Two sequences of a few dozen positions touch a few pages per head and layer: less than their two slots'
        // reservation, and nothing of the six slots never used.
        Assert.True(held > 0, "the admitted sequences' keys and values are resident");
        Assert.True(held < 2 * slotBytes, $"{held} bytes resident for two short sequences; one slot reserves {slotBytes}");

        batch.Reset(1);
        batch.Reset(0);
        // What may stay: the pages a neighbouring slot's region shares at each edge of the emptied ones.
        var edges = 2L * 2 * session.Decoder.NumHiddenLayers * Environment.SystemPageSize;
        Assert.True(batch.KvResidentBytes() <= edges, $"{batch.KvResidentBytes()} bytes still resident after both slots emptied");
        Assert.True(batch.ActivationResidentBytes() <= 8L * Environment.SystemPageSize, "mask and logits rows of emptied slots are returned");
    }

    [Fact]
    public void A_slot_emptied_and_reused_decodes_the_same_greedy_ids()
    {
        using var session = Open();
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        using var batch = new SharedKvBatch(session, Capacity, MaxLength);
        foreach (var c in cases.Take(3))
        {
            // A longer sequence first leaves written pages; its reset must leave nothing the next one can see.
            batch.Prefill(0, cases[^1].PromptIds);
            batch.Reset(0);
            batch.Prefill(0, c.PromptIds);
            var output = new List<int>();
            for (var i = 0; i < maxNew; i++)
            {
                var token = TokenSampler.ArgMax(batch.Logits(0));
                if (eos.Contains(token))
                {
                    break;
                }
                output.Add(token);
                batch.Decode([token]);
            }
            Assert.Equal(c.OutputIds, output);
            batch.Reset(0);
        }
    }
}
