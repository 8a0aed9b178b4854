using System.Text.Json;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// A rollout as it is kept, retained, on the broker at <c>{root}/fleet/rollouts/{name}</c>: what is rolled out to
/// whom, the plan, the waves started (with their start times) and the outcome. It is the operator's only state: a
/// <c>fleet rollout</c> started again reads it and goes on from the wave it names, with the same plan and timers.
/// </summary>
internal sealed record RolloutState
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Aborted = "aborted";
    public const string Expired = "expired";

    public required string Name { get; init; }

    public required string Model { get; init; }

    public required string Version { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>The seed of the rollout hash: which devices come first.</summary>
    public required string Seed { get; init; }

    /// <summary>The target group, or null for a device list.</summary>
    public string? Group { get; init; }

    /// <summary>The target devices, or null for a group.</summary>
    public IReadOnlyList<string>? DeviceList { get; init; }

    public required RolloutPlan Plan { get; init; }

    public IReadOnlyList<RolloutStartedWave> Waves { get; init; } = [];

    /// <summary><see cref="Running"/>, <see cref="Completed"/>, <see cref="Aborted"/> or <see cref="Expired"/>.</summary>
    public string Outcome { get; init; } = Running;

    /// <summary>Why it was aborted or expired.</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsFinished => Outcome != Running;

    public string Describe => $"{Model}@{Version} to {(Group is not null ? "group " + Group : $"{DeviceList!.Count} listed devices")}";

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("format", 1);
            w.WriteString("name", Name);
            w.WriteString("model", Model);
            w.WriteString("version", Version);
            w.WriteString("sha256", Sha256);
            w.WriteString("seed", Seed);
            if (Group is not null)
            {
                w.WriteString("group", Group);
            }
            else
            {
                w.WriteStartArray("devices");
                foreach (var device in DeviceList!)
                {
                    w.WriteStringValue(device);
                }

                w.WriteEndArray();
            }

            w.WritePropertyName("plan");
            Plan.Write(w);
            w.WriteStartArray("waves");
            foreach (var wave in Waves)
            {
                w.WriteStartObject();
                w.WriteNumber("index", wave.Index);
                w.WriteString("wave", wave.Wave);
                w.WriteNumber("percent", wave.Percent);
                w.WriteNumber("devices", wave.Devices);
                RolloutPlan.TimeOrNull(w, "started_at", wave.StartedAt);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("outcome", Outcome);
            if (Reason is null)
            {
                w.WriteNull("reason");
            }
            else
            {
                w.WriteString("reason", Reason);
            }

            RolloutPlan.TimeOrNull(w, "created_at", CreatedAt);
            RolloutPlan.TimeOrNull(w, "updated_at", UpdatedAt);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">Not a rollout state this version understands.</exception>
    public static RolloutState Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetInt32() != 1)
            {
                throw new FormatException("not a rollout state of format 1");
            }

            var waves = new List<RolloutStartedWave>();
            foreach (var wave in root.GetProperty("waves").EnumerateArray())
            {
                waves.Add(new RolloutStartedWave(wave.GetProperty("index").GetInt32(), wave.GetProperty("wave").GetString()!, wave.GetProperty("percent").GetInt32(),
                    wave.GetProperty("devices").GetInt32(), RolloutPlan.Time(wave, "started_at") ?? throw new FormatException("a wave has no started_at")));
            }

            return new RolloutState
            {
                Name = root.GetProperty("name").GetString()!,
                Model = root.GetProperty("model").GetString()!,
                Version = root.GetProperty("version").GetString()!,
                Sha256 = root.GetProperty("sha256").GetString()!,
                Seed = root.GetProperty("seed").GetString()!,
                Group = FleetJsonFields.String(root, "group"),
                DeviceList = root.TryGetProperty("devices", out var devices) ? [.. devices.EnumerateArray().Select(d => d.GetString()!)] : null,
                Plan = RolloutPlan.Parse(root.GetProperty("plan")),
                Waves = waves,
                Outcome = root.GetProperty("outcome").GetString()!,
                Reason = FleetJsonFields.String(root, "reason"),
                CreatedAt = RolloutPlan.Time(root, "created_at") ?? DateTimeOffset.UnixEpoch,
                UpdatedAt = RolloutPlan.Time(root, "updated_at") ?? DateTimeOffset.UnixEpoch,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"the retained rollout state cannot be read: {e.Message}", e);
        }
    }
}
