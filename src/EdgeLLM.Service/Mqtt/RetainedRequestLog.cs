using System.Security.Cryptography;
using System.Text;

namespace EdgeLLM.Service.Mqtt;

/// <summary>
/// The retained requests this device has answered, kept for good in the state directory (contract v1.2: a request
/// published with the retain flag is answered once, ever, by id). A broker hands a retained message to every new
/// subscription, so without this a retained request would be answered again on each restart and, once the dedup
/// window had passed, run again. Keyed by reply topic and id (by a hash of the payload when the request has no id).
/// </summary>
/// <remarks>
/// One line per request, base64 of its key, appended and flushed to disk before the final is published. Bounded:
/// beyond <see cref="MaxEntries"/> the oldest are forgotten (and the file rewritten), so a sender that publishes an
/// endless stream of retained requests costs at most that much state.
/// </remarks>
public sealed class RetainedRequestLog : IDisposable
{
    public const string FileName = "mqtt-retained.log";
    public const int MaxEntries = 10_000;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly Queue<string> _byAge = new();
    private FileStream _file;
    private int _lines;

    public RetainedRequestLog(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, FileName);
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path, Encoding.ASCII))
            {
                // A line cut short by a power loss was never followed by a published final: forgetting it is right.
                if (line.Length > 0 && _answered.Add(line))
                {
                    _byAge.Enqueue(line);
                    _lines++;
                }
            }
        }
        Trim();
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The key of a retained request: its reply topic and id, or a hash of its payload when it has no id.</summary>
    public static string Key(string replyTopic, string? id, ReadOnlySpan<byte> payload)
    {
        var what = id ?? "#" + Convert.ToHexString(SHA256.HashData(payload));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{replyTopic}\n{what}"));
    }

    /// <summary>True when the retained request was answered before.</summary>
    public bool WasAnswered(string key)
    {
        lock (_gate)
        {
            return _answered.Contains(key);
        }
    }

    /// <summary>Records, durably, that the retained request is answered (call before publishing its final).</summary>
    public void Record(string key)
    {
        lock (_gate)
        {
            if (!_answered.Add(key))
            {
                return;
            }
            _byAge.Enqueue(key);
            if (!_file.CanWrite)
            {
                return;
            }
            _file.Write(Encoding.ASCII.GetBytes(key + "\n"));
            _file.Flush(flushToDisk: true);
            if (++_lines > 2 * MaxEntries)
            {
                Trim();
                Rewrite();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private void Trim()
    {
        while (_byAge.Count > MaxEntries)
        {
            _answered.Remove(_byAge.Dequeue());
        }
    }

    private void Rewrite()
    {
        var temp = _path + ".tmp";
        File.WriteAllLines(temp, _byAge, Encoding.ASCII);
        using (var written = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            written.Flush(flushToDisk: true);
        }
        _file.Dispose();
        File.Move(temp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _lines = _byAge.Count;
    }
}
