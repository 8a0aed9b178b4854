using System.Text;
using EdgeLLM.Service.Mqtt;
using EdgeLLM.Service.Tests.Ota.Support;

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
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r1", out _));
        Assert.Equal(DedupDecision.AlreadyRunning, store.Begin("t", "r1", out _));
        Assert.Equal(DedupDecision.Run, store.Begin("other/topic", "r1", out _));
        store.Complete("t", "r1", "final-1"u8.ToArray());
        Assert.Equal(DedupDecision.Replay, store.Begin("t", "r1", out var stored));
        Assert.Equal("final-1", Encoding.UTF8.GetString(stored!));
        _time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r1", out _));
    }

    [Fact]
    public void Finals_survive_a_restart_and_a_torn_last_line_is_ignored()
    {
        using (var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time))
        {
            store.Begin("t", "a", out _);
            store.Complete("t", "a", "A"u8.ToArray());
            store.Begin("t", "b", out _);
            store.Complete("t", "b", "B"u8.ToArray());
        }
        File.AppendAllText(Path.Combine(_state, DedupStore.FileName), "{\"Topic\":\"t\",\"Id\":\"c\",\"AtMs\":17");
        using var reopened = new DedupStore(_state, TimeSpan.FromSeconds(600), _time);
        Assert.Equal(2, reopened.Count);
        Assert.Equal(DedupDecision.Replay, reopened.Begin("t", "b", out var b));
        Assert.Equal("B"u8.ToArray(), b);
        Assert.Equal(DedupDecision.Run, reopened.Begin("t", "c", out _));
    }

    [Fact]
    public void Entries_older_than_the_window_are_dropped_at_load()
    {
        using (var store = new DedupStore(_state, TimeSpan.FromSeconds(600), _time))
        {
            store.Begin("t", "old", out _);
            store.Complete("t", "old", "X"u8.ToArray());
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
        store.Begin("t", "r", out _);
        store.Complete("t", "r", "R"u8.ToArray());
        Assert.Equal(DedupDecision.Run, store.Begin("t", "r", out _));
    }
}
