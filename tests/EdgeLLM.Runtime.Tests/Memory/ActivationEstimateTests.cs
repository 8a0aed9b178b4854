using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Memory;

/// <summary>
/// The shape arithmetic behind a model's footprint, written out by hand for the default model (4 layers, 4 heads of 64,
/// 2 KV heads, hidden 256, 3,268 tokens, 512 positions, float32 KV): the KV cache a batch reserves and the activation
/// estimate at a batch.
/// </summary>
public sealed class ActivationEstimateTests
{
    private static LanguageModel Open(bool? sharedKv = null) =>
        LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1, SharedKvBuffer = sharedKv });

    [Fact]
    public void A_shared_buffer_reserves_every_slots_kv_at_full_context_and_a_growing_past_one_sequences()
    {
        using var shared = Open();
        using var growing = Open(sharedKv: false);

        // keys and values × 4 layers × 2 KV heads × 64 floats × 4 bytes × 512 positions = 2 MiB a sequence.
        Assert.Equal(8L << 21, shared.KvReservedBytes(8));
        Assert.Equal(1L << 21, shared.KvReservedBytes(0));
        Assert.Equal(1L << 21, growing.KvReservedBytes(8));
    }

    [Fact]
    public void The_estimate_is_the_step_buffers_of_every_slot_and_one_run_at_the_wider_of_the_batch_and_the_prefill_chunk()
    {
        using var model = Open();
        // Step buffers per slot: mask row 512 × 8 + logits row 3268 × 4 + id and position 16 = 17,184 bytes.
        // A run's row: (4 heads × 512 scores + 12 × 256 hidden) × 4 bytes = 20,480 bytes.
        Assert.Equal(8 * 17_184 + 32 * 20_480, ActivationEstimate.Bytes(model, slots: 8, prefillChunkTokens: 32));
        Assert.Equal(64 * 17_184 + 64 * 20_480, ActivationEstimate.Bytes(model, slots: 64, prefillChunkTokens: 32));
        Assert.Equal(1 * 17_184 + 1 * 20_480, ActivationEstimate.Bytes(model, slots: 1, prefillChunkTokens: 0));
    }
}
