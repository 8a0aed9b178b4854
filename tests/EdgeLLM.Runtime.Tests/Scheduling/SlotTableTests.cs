using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// The loop's rows (<see cref="SlotTable"/>): decoding slots first, prefilling ones after them, both contiguous and in
/// order however slots leave, with every move mirrored in the backend.
/// </summary>
public class SlotTableTests(LoopModelFixture fixture) : IClassFixture<LoopModelFixture>
{
    private Slot NewSlot(string id, int row, int promptLength = 3)
    {
        var pending = new PendingRequest(new GenerationRequest { Id = id, Prompt = "x" }, [.. Enumerable.Range(5, promptLength)], SamplingOptions.Greedy, 8, row);
        return new Slot(pending, row, null, fixture.Model.Tokenizer.CreateStream(), 64, constrain: false);
    }

    private (SlotTable Table, Slot[] Slots) Table(int capacity, int decoding, params string[] ids)
    {
        var table = new SlotTable(capacity);
        var slots = ids.Select((id, row) => NewSlot(id, row)).ToArray();
        foreach (var s in slots)
        {
            table.Add(s);
        }
        foreach (var s in slots.Take(decoding))
        {
            table.StartDecoding(s);
        }
        return (table, slots);
    }

    [Fact]
    public void A_new_slot_takes_the_next_free_row_and_no_other()
    {
        var (table, _) = Table(4, 0, "a");
        var e = Assert.Throws<ArgumentException>(() => table.Add(NewSlot("c", 2)));
        Assert.Contains("takes row 1, not 2", e.Message);
        table.Add(NewSlot("b", 1));
        Assert.Equal(2, table.Active);
        Assert.Equal(0, table.Decoding);
        Assert.Equal(2, table.PrefillingSlots.Length);
    }

    [Fact]
    public void Prompts_complete_in_row_order()
    {
        var (table, slots) = Table(4, 0, "a", "b");
        var e = Assert.Throws<InvalidOperationException>(() => table.StartDecoding(slots[1]));
        Assert.Contains("row 1 completed before row 0", e.Message);
        table.StartDecoding(slots[0]);
        Assert.Equal(SlotState.Decoding, slots[0].State);
        Assert.Equal(SlotState.Prefilling, slots[1].State);
        Assert.Equal([slots[0]], table.DecodingSlots.ToArray());
        Assert.Equal([slots[1]], table.PrefillingSlots.ToArray());
    }

    [Fact]
    public void Freeing_a_decoding_and_a_prefilling_slot_keeps_both_groups_contiguous_and_in_order()
    {
        var backend = new ScriptedBackend(fixture.Model, capacity: 5);
        backend.Open();
        var (table, slots) = Table(5, 3, "d0", "d1", "d2", "p3", "p4");
        slots[1].State = SlotState.Finished;
        slots[3].State = SlotState.Finished;
        var released = new List<string>();
        table.Compact(backend, s => released.Add(s.Pending.Request.Id));
        Assert.Equal(["release d1", "move 2>1", "move 3>2", "move 4>3", "release p3", "move 3>2"], backend.Calls);
        Assert.Equal(["d1", "p3"], released);
        Assert.Equal(3, table.Active);
        Assert.Equal(2, table.Decoding);
        Assert.Equal(["d0", "d2"], table.DecodingSlots.ToArray().Select(s => s.Pending.Request.Id));
        Assert.Equal(["p4"], table.PrefillingSlots.ToArray().Select(s => s.Pending.Request.Id));
        Assert.Equal([0, 1, 2], new[] { slots[0], slots[2], slots[4] }.Select(s => s.Row));
        Assert.Same(slots[4], table[2]);
    }

    [Fact]
    public void Freeing_the_last_decoding_row_moves_nothing_but_the_prompts_behind_it()
    {
        var backend = new ScriptedBackend(fixture.Model, capacity: 4);
        backend.Open();
        var (table, slots) = Table(4, 2, "d0", "d1", "p2");
        slots[1].State = SlotState.Finished;
        table.Compact(backend, _ => { });
        Assert.Equal(["release d1", "move 2>1"], backend.Calls);
        Assert.Equal(1, table.Decoding);
        Assert.Equal(2, table.Active);
        Assert.Equal(1, slots[2].Row);
    }

    [Fact]
    public void Every_finished_slot_leaves_even_when_all_do()
    {
        var backend = new ScriptedBackend(fixture.Model, capacity: 3);
        backend.Open();
        var (table, slots) = Table(3, 2, "d0", "d1", "p2");
        foreach (var s in slots)
        {
            s.State = SlotState.Finished;
        }
        table.Compact(backend, _ => { });
        Assert.Equal(0, table.Active);
        Assert.Equal(0, table.Decoding);
        Assert.Equal(3, backend.Calls.Count(c => c.StartsWith("release", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_cache_in_use_is_every_slots_history()
    {
        var table = new SlotTable(3);
        table.Add(NewSlot("a", 0, promptLength: 3));
        table.Add(NewSlot("b", 1, promptLength: 7));
        var layout = fixture.Model.KvLayout;
        Assert.Equal(layout.BytesPerSequence(3) + layout.BytesPerSequence(7), table.KvBytesInUse(layout));
        Assert.Equal(3, table.Capacity);
    }
}
