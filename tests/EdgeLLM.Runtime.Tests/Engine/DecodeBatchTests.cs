using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Engine;

public class DecodeBatchTests
{
    private static DecoderSession Open(string dir)
    {
        var config = GenAiConfig.Load(Path.Combine(dir, "genai_config.json"));
        // The library is chosen before the managed API's first native call (OrtLibrary's DllImport resolver).
        OrtEnvironment.EnsureCreated();
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new DecoderSession(dir, config, options);
    }

    private static (int[] Ids, string Reason) Greedy(IDecodeBatch batch, int slot, int[] prompt, int maxNew, IReadOnlySet<int> eos)
    {
        batch.Prefill(slot, prompt);
        var output = new List<int>();
        for (var i = 0; i < maxNew; i++)
        {
            var token = TokenSampler.ArgMax(batch.Logits(slot));
            if (eos.Contains(token))
            {
                return (output.ToArray(), "stop");
            }
            output.Add(token);
            batch.Decode([token]);
        }
        return (output.ToArray(), "length");
    }

    public static TheoryData<string, bool> Models() => new()
    {
        { "iot-assist", true }, { "iot-assist", false }, { "iot-assist-fp16kv", true }, { "iot-assist-fp16kv", false },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_ids_equal_onnxruntime_python_for_every_smoke_case(string model, bool shared)
    {
        var dir = model == "iot-assist" ? TestPaths.DefaultModel : TestPaths.Fp16KvModel;
        using var session = Open(dir);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(dir);
        Assert.NotEmpty(cases);
        using IDecodeBatch batch = shared ? new SharedKvBatch(session, 1, 512) : new GrowingKvBatch(session, 512);
        foreach (var c in cases)
        {
            batch.Reset(0);
            var (ids, reason) = Greedy(batch, 0, c.PromptIds, maxNew, eos);
            Assert.Equal(c.OutputIds, ids);
            Assert.Equal(c.FinishReason, reason);
        }
    }

    [Fact]
    public void Sequences_of_different_lengths_decoded_in_one_batch_give_their_solo_results()
    {
        using var session = Open(TestPaths.DefaultModel);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        var chosen = cases.Take(5).ToArray();
        using var batch = new SharedKvBatch(session, chosen.Length, 512);
        for (var s = 0; s < chosen.Length; s++)
        {
            batch.Prefill(s, chosen[s].PromptIds);
        }
        var outputs = chosen.Select(_ => new List<int>()).ToArray();
        var done = new bool[chosen.Length];
        var next = new int[chosen.Length];
        for (var step = 0; step < maxNew && done.Contains(false); step++)
        {
            for (var s = 0; s < chosen.Length; s++)
            {
                next[s] = TokenSampler.ArgMax(batch.Logits(s));
                if (!done[s] && eos.Contains(next[s]))
                {
                    done[s] = true;
                }
                if (!done[s])
                {
                    outputs[s].Add(next[s]);
                }
            }
            // finished rows keep decoding padding tokens; their results are already taken
            batch.Decode(next);
        }
        for (var s = 0; s < chosen.Length; s++)
        {
            Assert.Equal(chosen[s].OutputIds, outputs[s]);
        }
    }

    [Fact]
    public void Prompts_of_one_length_prefilled_in_one_run_decode_to_their_solo_results()
    {
        using var session = Open(TestPaths.DefaultModel);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        // Three prompts cut to one length: their solo greedy outputs are the reference.
        var length = cases.Take(3).Min(c => c.PromptIds.Length);
        var prompts = cases.Take(3).Select(c => c.PromptIds[..length]).ToArray();
        using var solo = new SharedKvBatch(session, 1, 512);
        var expected = prompts.Select(p =>
        {
            solo.Reset(0);
            return Greedy(solo, 0, p, maxNew, eos).Ids;
        }).ToArray();

        using var batch = new SharedKvBatch(session, 4, 512);
        Assert.True(batch.TryPrefillMany(1, prompts));
        Assert.Equal(0, batch.Length(0));
        var outputs = prompts.Select(_ => new List<int>()).ToArray();
        var done = new bool[prompts.Length];
        for (var step = 0; step < maxNew && done.Contains(false); step++)
        {
            var next = new int[4];
            for (var r = 0; r < prompts.Length; r++)
            {
                Assert.Equal(length + step, batch.Length(r + 1));
                next[r + 1] = TokenSampler.ArgMax(batch.Logits(r + 1));
                done[r] |= eos.Contains(next[r + 1]);
                if (!done[r])
                {
                    outputs[r].Add(next[r + 1]);
                }
            }
            batch.Decode(next);
        }
        for (var r = 0; r < prompts.Length; r++)
        {
            Assert.Equal(expected[r], outputs[r]);
        }
    }

    [Fact]
    public void Grouped_prefill_refuses_mixed_lengths_and_occupied_slots_and_changes_nothing()
    {
        using var session = Open(TestPaths.DefaultModel);
        using var batch = new SharedKvBatch(session, 3, 512);
        Assert.False(batch.TryPrefillMany(0, [[5, 6, 7], [5, 6]]));
        Assert.Equal(0, batch.Length(0));
        batch.Prefill(1, [5, 6, 7]);
        Assert.False(batch.TryPrefillMany(0, [[5, 6, 7], [8, 9, 10]]));
        Assert.Equal(0, batch.Length(0));
        Assert.Equal(3, batch.Length(1));
        using var growing = new GrowingKvBatch(session, 512);
        Assert.False(growing.TryPrefillMany(0, [[5, 6, 7], [8, 9, 10]]));
    }

    [Fact]
    public void A_moved_slot_continues_exactly_where_it_was()
    {
        using var session = Open(TestPaths.DefaultModel);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        using var batch = new SharedKvBatch(session, 3, 512);
        batch.Prefill(2, cases[0].PromptIds);
        var first = TokenSampler.ArgMax(batch.Logits(2));
        batch.Move(2, 0);
        Assert.Equal(0, batch.Length(2));
        Assert.Equal(cases[0].PromptIds.Length, batch.Length(0));
        var output = new List<int> { first };
        var token = first;
        while (output.Count < maxNew)
        {
            batch.Decode([token]);
            token = TokenSampler.ArgMax(batch.Logits(0));
            if (eos.Contains(token))
            {
                break;
            }
            output.Add(token);
        }
        Assert.Equal(cases[0].OutputIds, output);
    }

    [Fact]
    public unsafe void An_imported_prefix_needs_only_the_rest_of_the_prompt()
    {
        using var session = Open(TestPaths.DefaultModel);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        var prompt = cases[1].PromptIds;
        var prefix = prompt.Length - 3;
        using var batch = new SharedKvBatch(session, 2, 512);
        batch.Prefill(1, prompt[..prefix]);
        var block = new byte[batch.PrefixBytes(prefix)];
        fixed (byte* p = block)
        {
            batch.ExportPrefix(1, prefix, p);
            batch.ImportPrefix(0, prefix, p, prefix);
        }
        Assert.Equal(prefix, batch.Length(0));
        var (ids, _) = Greedy(batch, 0, prompt[prefix..], maxNew, eos);
        Assert.Equal(cases[1].OutputIds, ids);
    }

    [Fact]
    public void A_decode_step_allocates_nothing_on_the_managed_heap()
    {
        using var session = Open(TestPaths.DefaultModel);
        var (_, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        using var batch = new SharedKvBatch(session, 4, 512);
        for (var s = 0; s < 4; s++)
        {
            batch.Prefill(s, cases[s].PromptIds);
        }
        var tokens = new int[4];
        var sampler = new TokenSampler(batch.VocabSize);
        sampler.Reset(SamplingOptions.Greedy);
        void Step()
        {
            for (var s = 0; s < 4; s++)
            {
                tokens[s] = sampler.Next(batch.Logits(s), []);
            }
            batch.Decode(tokens);
        }
        Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            batch.Decode(tokens);
        }
        var decodeOnly = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Step();
        }
        Assert.Equal((0L, 0L), (decodeOnly, GC.GetAllocatedBytesForCurrentThread() - before));
    }
}
