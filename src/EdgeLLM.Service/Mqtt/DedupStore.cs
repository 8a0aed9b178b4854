using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// Final answers of recent requests, keyed by reply topic and id, so a re-delivered request (QoS 1 after a lost
/// PUBACK, a persistent session replaying after a restart) is answered again from here instead of being run
/// twice. Every final is appended to a journal in the state directory and flushed to disk before it is
/// published; a restart reloads the entries still inside the window. The journal is rewritten with only the
/// live entries when it grows past a few times their size.
/// </summary>
public sealed class DedupStore : IDisposable
{
    public const string FileName = "mqtt-dedup.jsonl";
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Topic, string Id), Entry> _entries = [];
    private readonly Dictionary<(string Topic, string Id), int> _running = [];
    private readonly string _path;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private FileStream _journal;
    private int _journalLines;

    public DedupStore(string stateDirectory, TimeSpan window, TimeProvider? time = null)
    {
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, FileName);
        _window = window;
        _time = time ?? TimeProvider.System;
        Load();
        _journal = OpenForAppend();
        Compact();
    }

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

    /// <summary>What to do with a request: run it, answer it again from the store, or ignore it because the same request is running now.</summary>
    public DedupDecision Begin(string replyTopic, string id, out byte[]? storedFinal)
    {
        storedFinal = null;
        if (_window <= TimeSpan.Zero)
        {
            return DedupDecision.Run;
        }
        var key = (replyTopic, id);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.At + _window > _time.GetUtcNow())
            {
                storedFinal = entry.Final;
                return DedupDecision.Replay;
            }
            if (_running.ContainsKey(key))
            {
                return DedupDecision.AlreadyRunning;
            }
            _running[key] = 1;
            return DedupDecision.Run;
        }
    }

    /// <summary>Records the final answer durably (call before publishing it) and ends the running mark.</summary>
    public void Complete(string replyTopic, string id, byte[] final)
    {
        var key = (replyTopic, id);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _running.Remove(key);
            if (_window <= TimeSpan.Zero)
            {
                return;
            }
            _entries[key] = new Entry(now, final);
            var line = JsonSerializer.SerializeToUtf8Bytes(new JournalLine(replyTopic, id, now.ToUnixTimeMilliseconds(), Convert.ToBase64String(final)));
            _journal.Write(line);
            _journal.WriteByte((byte)'\n');
            _journal.Flush(flushToDisk: true);
            if (++_journalLines > 256 && _journalLines > 4 * _entries.Count)
            {
                Compact();
            }
        }
    }

    /// <summary>Ends the running mark of a request that produced no final (the service is stopping before it started).</summary>
    public void Abandon(string replyTopic, string id)
    {
        lock (_gate)
        {
            _running.Remove((replyTopic, id));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _journal.Dispose();
        }
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }
        var cutoff = _time.GetUtcNow() - _window;
        foreach (var raw in File.ReadLines(_path, Encoding.UTF8))
        {
            JournalLine? line;
            try
            {
                line = JsonSerializer.Deserialize<JournalLine>(raw);
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
            var at = DateTimeOffset.FromUnixTimeMilliseconds(line.AtMs);
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(line.Final.Length)];
            if (at > cutoff && Convert.TryFromBase64String(line.Final, bytes, out var written))
            {
                _entries[(line.Topic, line.Id)] = new Entry(at, bytes[..written]);
            }
        }
    }

    private void Compact()
    {
        var cutoff = _time.GetUtcNow() - _window;
        foreach (var key in _entries.Where(e => e.Value.At <= cutoff).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var ((topic, id), entry) in _entries)
            {
                file.Write(JsonSerializer.SerializeToUtf8Bytes(new JournalLine(topic, id, entry.At.ToUnixTimeMilliseconds(), Convert.ToBase64String(entry.Final))));
                file.WriteByte((byte)'\n');
            }
            file.Flush(flushToDisk: true);
        }
        _journal?.Dispose();
        File.Move(temp, _path, overwrite: true);
        _journal = OpenForAppend();
        _journalLines = _entries.Count;
    }

    private FileStream OpenForAppend() => new(_path, FileMode.Append, FileAccess.Write, FileShare.Read);

    private sealed record Entry(DateTimeOffset At, byte[] Final);

    private sealed record JournalLine(string Topic, string Id, long AtMs, string Final);
}
