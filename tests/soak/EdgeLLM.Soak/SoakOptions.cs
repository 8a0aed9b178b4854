using System.Globalization;

namespace EdgeLLM.Soak;

/// <summary>The soak's command line: <c>--name value</c> pairs; see <see cref="Usage"/>.</summary>
internal sealed class SoakOptions
{
    public const string Usage = """
        edgellm-soak --pid PID --rest http://127.0.0.1:8080 --mqtt-host 127.0.0.1 --mqtt-port 1883 --device DEV
                     [--root edgellm] [--duration 30m] [--rate 4] [--hostile 0.01] [--warmup 60s] [--settle 60s]
                     [--state-dir DIR] [--log FILE] [--seed 1]
        edgellm-soak --serve "dotnet edgellm.dll serve" --restart-every 3m --rest ... --device DEV ... (no --pid)
          Drives a running service at --rate requests/s (half REST, half MQTT; --hostile of them hostile payloads)
          for --duration, then waits for the last finals and reports requests sent, finals received, and the
          service's RSS, handles, threads, dedup journal size (DIR/mqtt-dedup.jsonl) and log size (FILE) after
          --warmup, at the end of the load and --settle later. Exit code 0 when every request got exactly one final.
          With --serve the soak starts the service itself (its output appended to --log) and, with --restart-every,
          sends it SIGTERM and starts it again at that interval while the load runs; the load is then MQTT only (a REST
          client sees refused connections while the service is down) and every request must still get exactly one final.
        """;

    public int Pid { get; private init; }
    public Uri Rest { get; private init; } = new("http://127.0.0.1:8080");
    public string MqttHost { get; private init; } = "127.0.0.1";
    public int MqttPort { get; private init; } = 1883;
    public string Device { get; private init; } = "";
    public string Root { get; private init; } = "edgellm";
    public TimeSpan Duration { get; private init; } = TimeSpan.FromMinutes(30);
    public TimeSpan Warmup { get; private init; } = TimeSpan.FromSeconds(60);
    public TimeSpan Settle { get; private init; } = TimeSpan.FromSeconds(60);
    public double Rate { get; private init; } = 4;
    public double Hostile { get; private init; } = 0.01;
    public string? StateDir { get; private init; }
    public string? Log { get; private init; }
    public int Seed { get; private init; } = 1;
    public string? Serve { get; private init; }
    public TimeSpan? RestartEvery { get; private init; }

    public static SoakOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }
        string? Get(string name) => map.GetValueOrDefault(name);
        var options = new SoakOptions
        {
            Pid = Get("serve") is not null ? 0 : int.Parse(Get("pid") ?? throw new ArgumentException("--pid or --serve is required"), CultureInfo.InvariantCulture),
            Serve = Get("serve"),
            RestartEvery = Get("restart-every") is { } every ? Time(every) : null,
            Rest = new Uri(Get("rest") ?? "http://127.0.0.1:8080"),
            MqttHost = Get("mqtt-host") ?? "127.0.0.1",
            MqttPort = int.Parse(Get("mqtt-port") ?? "1883", CultureInfo.InvariantCulture),
            Device = Get("device") ?? throw new ArgumentException("--device is required"),
            Root = Get("root") ?? "edgellm",
            Duration = Time(Get("duration") ?? "30m"),
            Warmup = Time(Get("warmup") ?? "60s"),
            Settle = Time(Get("settle") ?? "60s"),
            Rate = double.Parse(Get("rate") ?? "4", CultureInfo.InvariantCulture),
            Hostile = double.Parse(Get("hostile") ?? "0.01", CultureInfo.InvariantCulture),
            StateDir = Get("state-dir"),
            Log = Get("log"),
            Seed = int.Parse(Get("seed") ?? "1", CultureInfo.InvariantCulture),
        };
        if (options.RestartEvery is not null && options.Serve is null)
        {
            throw new ArgumentException("--restart-every needs --serve: the soak restarts only a service it started");
        }
        if (options.Rate <= 0 || options.Hostile is < 0 or > 1 || options.Duration <= options.Warmup)
        {
            throw new ArgumentException("--rate must be positive, --hostile between 0 and 1, and --duration longer than --warmup");
        }
        return options;
    }

    /// <summary><c>90s</c>, <c>30m</c>, <c>2h</c>.</summary>
    private static TimeSpan Time(string text)
    {
        var value = double.Parse(text[..^1], CultureInfo.InvariantCulture);
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => throw new ArgumentException($"'{text}' is not a time like 90s, 30m or 2h"),
        };
    }
}
