using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLLM.Serving.Configuration;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Final answers of recent requests, keyed by reply topic, id and Correlation Data (two requesters who picked the
/// same id are told apart by their Correlation Data), so a re-delivered request (QoS 1 after a lost PUBACK, a
/// persistent session replaying after a restart) is answered again from here instead of being run twice.
/// Every final is appended to a journal in the state directory and flushed to disk before it is published; a
/// restart reloads the entries still inside the window.
/// </summary>
/// <remarks>
/// State stays bounded however long the service runs (issue 18): entries leave when their window has passed and,
/// beyond <c>maxEntries</c>, oldest first; a timer sweeps expired entries while no request arrives, and the
/// journal is rewritten with only the live entries once its dead lines outnumber them (plus some slack, so a
/// steady stream does not rewrite it on every final). The journal thus holds at most about twice the live entries.
/// </remarks>
public sealed class DedupStore : IDisposable
{
    public const string FileName = "mqtt-dedup.jsonl";
    public const int DefaultMaxEntries = MqttFrontOptions.DefaultDedupMaxEntries;

    /// <summary>Dead journal lines tolerated before a rewrite, on top of as many as there are live entries.</summary>
    private const int CompactionSlack = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byAge = new();
    private readonly HashSet<Key> _running = [];
    private readonly string _path;
    private readonly TimeSpan _window;
    private readonly int _maxEntries;
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;
    private FileStream _journal;
    private int _journalLines;

    /// <param name="stateDirectory">Where the journal lives.</param>
    /// <param name="window">How long a final is kept (zero turns dedup off).</param>
    /// <param name="time">The clock (tests drive it by hand).</param>
    /// <param name="maxEntries">The most finals kept; beyond it the oldest go first, even inside the window.</param>
    public DedupStore(string stateDirectory, TimeSpan window, TimeProvider? time = null, int maxEntries = DefaultMaxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, FileName);
        _window = window;
        _maxEntries = maxEntries;
        _time = time ?? TimeProvider.System;
        Load();
        _journal = OpenForAppend();
        Compact();
        if (window > TimeSpan.Zero)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(window.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
            _sweeper = _time.CreateTimer(_ => Sweep(), null, period, period);
        }
    }

    /// <summary>Finals held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Lines in the journal file now (live entries plus dead ones not yet compacted away).</summary>
    public int JournalLines
    {
        get
        {
            lock (_gate)
            {
                return _journalLines;
            }
        }
    }

    /// <summary>What to do with a request: run it, answer it again from the store, or ignore it because the same request is running now.</summary>
    public DedupDecision Begin(string replyTopic, string id, ReadOnlySpan<byte> correlationData, out byte[]? storedFinal)
    {
        storedFinal = null;
        if (_window <= TimeSpan.Zero)
        {
            return DedupDecision.Run;
        }
        var key = new Key(replyTopic, id, Convert.ToBase64String(correlationData));
        lock (_gate)
        {
            Expire(_time.GetUtcNow());
            if (_entries.TryGetValue(key, out var node))
            {
                storedFinal = node.Value.Final;
                return DedupDecision.Replay;
            }
            return _running.Add(key) ? DedupDecision.Run : DedupDecision.AlreadyRunning;
        }
    }

    /// <summary>Records the final answer durably (call before publishing it) and ends the running mark.</summary>
    public void Complete(string replyTopic, string id, ReadOnlySpan<byte> correlationData, byte[] final)
    {
        var key = new Key(replyTopic, id, Convert.ToBase64String(correlationData));
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _running.Remove(key);
            if (_window <= TimeSpan.Zero)
            {
                return;
            }
            Remove(key);
            _entries[key] = _byAge.AddLast(new Entry(key, now, final));
            if (!_journal.CanWrite)
            {
                // Closed at shutdown after the drain time ran out: the final is still published, only not journaled.
                return;
            }
            WriteLine(_journal, key, now, final);
            _journal.Flush(flushToDisk: true);
            _journalLines++;
            Expire(now);
            CompactIfMostlyDead();
        }
    }

    /// <summary>Ends the running mark of a request that produced no final (the service is stopping before it started).</summary>
    public void Abandon(string replyTopic, string id, ReadOnlySpan<byte> correlationData)
    {
        lock (_gate)
        {
            _running.Remove(new Key(replyTopic, id, Convert.ToBase64String(correlationData)));
        }
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        lock (_gate)
        {
            _journal.Dispose();
        }
    }

    /// <summary>The timer's work: drop what has expired while no request came, and shrink the journal.</summary>
    private void Sweep()
    {
        lock (_gate)
        {
            if (!_journal.CanWrite)
            {
                return;
            }
            Expire(_time.GetUtcNow());
            CompactIfMostlyDead();
        }
    }

    private void Expire(DateTimeOffset now)
    {
        var cutoff = now - _window;
        while (_byAge.First is { } oldest && (oldest.Value.At <= cutoff || _entries.Count > _maxEntries))
        {
            _byAge.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
        }
    }

    private void Remove(Key key)
    {
        if (_entries.Remove(key, out var node))
        {
            _byAge.Remove(node);
        }
    }

    private void CompactIfMostlyDead()
    {
        if (_journalLines > 2 * _entries.Count + CompactionSlack)
        {
            Compact();
        }
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }
        var loaded = new List<Entry>();
        foreach (var raw in File.ReadLines(_path, Encoding.UTF8))
        {
            JournalLine? line;
            try
            {
                line = JsonSerializer.Deserialize(raw, DedupJournalJson.Default.JournalLine);
            }
            catch (JsonException)
            {
                // A line cut short by a power loss is the only way to get here; it was never published.
                continue;
            }
            if (line is null || line.Topic is null || line.Id is null || line.Final is null)
            {
                continue;
            }
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(line.Final.Length)];
            if (Convert.TryFromBase64String(line.Final, bytes, out var written))
            {
                loaded.Add(new Entry(new Key(line.Topic, line.Id, line.Corr ?? ""), DateTimeOffset.FromUnixTimeMilliseconds(line.AtMs), bytes[..written]));
            }
        }
        // Oldest first, so expiry and the count limit drop from the front; a later line for a key replaces an earlier one.
        foreach (var entry in loaded.OrderBy(e => e.At))
        {
            Remove(entry.Key);
            _entries[entry.Key] = _byAge.AddLast(entry);
        }
        Expire(_time.GetUtcNow());
    }

    private void Compact()
    {
        Expire(_time.GetUtcNow());
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var entry in _byAge)
            {
                WriteLine(file, entry.Key, entry.At, entry.Final);
            }
            file.Flush(flushToDisk: true);
        }
        _journal?.Dispose();
        File.Move(temp, _path, overwrite: true);
        _journal = OpenForAppend();
        _journalLines = _entries.Count;
    }

    private static void WriteLine(FileStream file, Key key, DateTimeOffset at, byte[] final)
    {
        file.Write(JsonSerializer.SerializeToUtf8Bytes(new JournalLine(key.Topic, key.Id, at.ToUnixTimeMilliseconds(), Convert.ToBase64String(final),
            key.Correlation.Length == 0 ? null : key.Correlation), DedupJournalJson.Default.JournalLine));
        file.WriteByte((byte)'\n');
    }

    private FileStream OpenForAppend() => new(_path, FileMode.Append, FileAccess.Write, FileShare.Read);

    /// <summary>A requester: its reply topic, the request id and its Correlation Data (base64, empty when none).</summary>
    private readonly record struct Key(string Topic, string Id, string Correlation);

    private sealed record Entry(Key Key, DateTimeOffset At, byte[] Final);

    /// <summary>One journal line; <c>Corr</c> is absent in lines written before requesters were told apart by it.</summary>
    internal sealed record JournalLine(string Topic, string Id, long AtMs, string Final, string? Corr = null);
}

/// <summary>The source-generated serializer of the dedup journal's lines (Native AOT).</summary>
[JsonSerializable(typeof(DedupStore.JournalLine))]
internal sealed partial class DedupJournalJson : JsonSerializerContext;
