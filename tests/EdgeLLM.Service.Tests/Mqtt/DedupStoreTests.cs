using System.Text;
using EdgeLLM.Ota.Tests.Support;
using EdgeLLM.Service.Mqtt;

namespace EdgeLLM.Service.Tests.Mqtt;

public sealed class DedupStoreTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-dedup-").FullName;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void A_request_runs_once_replays_within_the_window_and_runs_again_after_it()
    {
        using var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r1", [], out _));
        Assert.Equal(DedupDecision.AlreadyRunning, store.Begin("t", "r1", [], out _));
        Assert.Equal(DedupDecision.Run, store.Begin("other/topic", "r1", [], out _));
        store.Complete("t", "r1", [], "final-1"u8.ToArray());
        Assert.Equal(DedupDecision.Replay, store.Begin("t", "r1", [], out var stored));
        Assert.Equal("final-1", Encoding.UTF8.GetString(stored!));
        _time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r1", [], out _));
    }

    [Fact]
    public void Finals_survive_a_restart_and_a_torn_last_line_is_ignored()
    {
        using (var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time))
        {
            store.Begin("t", "a", [], out _);
            store.Complete("t", "a", [], "A"u8.ToArray());
            store.Begin("t", "b", [], out _);
            store.Complete("t", "b", [], "B"u8.ToArray());
        }
        File.AppendAllText(Path.Combine(_state, DedupStore.FileName), "{\"Topic\":\"t\",\"Id\":\"c\",\"AtMs\":17");
        using var reopened = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        Assert.Equal(2, reopened.Count);
        Assert.Equal(DedupDecision.Replay, reopened.Begin("t", "b", [], out var b));
        Assert.Equal("B"u8.ToArray(), b);
        Assert.Equal(DedupDecision.Run, reopened.Begin("t", "c", [], out _));
    }

    [Fact]
    public void Entries_older_than_the_window_are_dropped_at_load()
    {
        using (var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time))
        {
            store.Begin("t", "old", [], out _);
            store.Complete("t", "old", [], "X"u8.ToArray());
        }
        _time.Advance(TimeSpan.FromHours(1));
        using var reopened = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        Assert.Equal(0, reopened.Count);
        Assert.DoesNotContain("old", File.ReadAllText(Path.Combine(_state, DedupStore.FileName)));
    }

    [Fact]
    public void A_zero_window_turns_dedup_off()
    {
        using var store = new DedupStore(_state, TimeSpan.Zero, _time);
        store.Begin("t", "r", [], out _);
        store.Complete("t", "r", [], "R"u8.ToArray());
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r", [], out _));
    }

    [Fact]
    public void Two_requesters_with_one_id_and_topic_but_different_correlation_data_both_run_and_replay_their_own_final()
    {
        using var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        Assert.Equal(DedupDecision.Run, store.Begin("t", "same", [1], out _));
        Assert.Equal(DedupDecision.Run, store.Begin("t", "same", [2], out _));
        Assert.Equal(DedupDecision.AlreadyRunning, store.Begin("t", "same", [1], out _));
        store.Complete("t", "same", [1], "one"u8.ToArray());
        store.Complete("t", "same", [2], "two"u8.ToArray());
        Assert.Equal(DedupDecision.Replay, store.Begin("t", "same", [2], out var two));
        Assert.Equal("two"u8.ToArray(), two);
        using var reopened = new DedupStore(Path.Combine(_state), TimeSpan.FromSeconds(600), _time);
        Assert.Equal(DedupDecision.Replay, reopened.Begin("t", "same", [1], out var one));
        Assert.Equal("one"u8.ToArray(), one);
    }

    [Fact]
    public void Entries_expire_by_time_while_running_and_the_journal_is_compacted_to_the_live_ones()
    {
        using var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        for (var i = 0; i < 2000; i++)
        {
            store.Begin("t", $"r{i}", [], out _);
            store.Complete("t", $"r{i}", [], "final"u8.ToArray());
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        // Unique ids, one a second: only the last 600 s are live, and the journal holds about that many lines.
        Assert.InRange(store.Count, 599, 600);
        Assert.InRange(store.JournalLines, store.Count, 2 * store.Count + 256);
        Assert.Equal(store.JournalLines, File.ReadAllLines(Path.Combine(_state, DedupStore.FileName)).Length);
    }

    [Fact]
    public void The_sweep_timer_empties_the_store_and_the_journal_when_no_request_comes()
    {
        using var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        for (var i = 0; i < 500; i++)
        {
            store.Begin("t", $"r{i}", [], out _);
            store.Complete("t", $"r{i}", [], "final"u8.ToArray());
        }
        Assert.Equal(500, store.Count);
        _time.Advance(TimeSpan.FromSeconds(660));
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.JournalLines);
        Assert.Empty(File.ReadAllText(Path.Combine(_state, DedupStore.FileName)));
    }

    [Fact]
    public void Beyond_the_count_limit_the_oldest_entries_go_first()
    {
        using var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time, maxEntries: 100);
        for (var i = 0; i < 1000; i++)
        {
            store.Begin("t", $"r{i}", [], out _);
            store.Complete("t", $"r{i}", [], "final"u8.ToArray());
        }
        Assert.Equal(100, store.Count);
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r899", [], out _));
        Assert.Equal(DedupDecision.Replay, store.Begin("t", "r900", [], out _));
        Assert.InRange(new FileInfo(Path.Combine(_state, DedupStore.FileName)).Length, 1, 400 * 100);
    }
}
