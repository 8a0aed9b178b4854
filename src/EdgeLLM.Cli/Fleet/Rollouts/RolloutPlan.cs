using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// A rollout plan: the waves (or an exponential rate that makes them), how many devices must have executed before the
/// abort gate counts, the abort thresholds, how long a device may stay in progress, and an optional window. Written as
/// JSON (docs/OTA.md has the syntax); the same JSON is kept in the rollout's retained state, so a restarted
/// <c>fleet rollout</c> goes on with the plan it started with.
/// </summary>
internal sealed record RolloutPlan
{
    public IReadOnlyList<RolloutWave> Waves { get; init; } = [];

    /// <summary>Instead of <see cref="Waves"/>: wave i adds <c>BaseDevices × Factor^i</c> devices until the whole target has it.</summary>
    public (int BaseDevices, double Factor)? Exponential { get; init; }

    /// <summary>How many devices must have executed (succeeded, failed, refused or timed out) before the gate counts.</summary>
    public int MinExecuted { get; init; } = 1;

    public RolloutAbortCriteria Abort { get; init; } = new(null, null, null, null);

    /// <summary>A device that has not succeeded or failed this long after its wave started counts as timed out.</summary>
    public TimeSpan InProgressTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>No wave starts before this time.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No wave starts after this time: the rollout stops widening (it is not aborted).</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>The waves for a target of <paramref name="population"/> devices: the explicit ones, or the exponential ones.</summary>
    public IReadOnlyList<RolloutWave> WavesFor(int population)
    {
        if (Exponential is not var (baseDevices, factor))
        {
            return Waves;
        }

        var waves = new List<RolloutWave>();
        double step = baseDevices;
        long reached = 0;
        while (reached < population && waves.Count < 64)
        {
            reached += (long)Math.Ceiling(step);
            waves.Add(reached >= population ? new RolloutWave(100, null) : new RolloutWave(null, (int)reached));
            step *= factor;
        }

        return waves.Count == 0 ? [new RolloutWave(100, null)] : waves;
    }

    /// <exception cref="FormatException">What is wrong, naming the plan field.</exception>
    public void Validate()
    {
        if ((Waves.Count == 0) == (Exponential is null))
        {
            throw new FormatException("plan: give either 'waves' or 'exponential'");
        }

        if (Exponential is var (b, f) && (b < 1 || f is < 1 or > 100 || double.IsNaN(f)))
        {
            throw new FormatException("plan 'exponential': base_devices must be at least 1 and factor from 1 to 100");
        }

        for (var i = 1; i < Waves.Count; i++)
        {
            var (before, after) = (Waves[i - 1], Waves[i]);
            if (before.Percent is { } p && after.Percent is { } q && q <= p || before.Devices is { } m && after.Devices is { } n && n <= m)
            {
                throw new FormatException($"plan 'waves': wave {i + 1} ({after}) must reach further than wave {i} ({before})");
            }
        }

        if (Waves.Count > 0 && Waves[^1].Percent != 100)
        {
            throw new FormatException("plan 'waves': the last wave must be 100% (a rollout completes when the whole target has the version)");
        }

        if (MinExecuted < 1)
        {
            throw new FormatException("plan 'min_executed' must be at least 1");
        }

        if (InProgressTimeout <= TimeSpan.Zero)
        {
            throw new FormatException("plan 'in_progress_timeout_seconds' must be positive");
        }

        if (StartAt is { } start && EndAt is { } end && end <= start)
        {
            throw new FormatException("plan 'end_at' must be after 'start_at'");
        }

        Abort.Validate();
    }

    /// <summary>
    /// Reads <c>{"waves":["1%","10%",…]|"exponential":{"base_devices","factor"},"min_executed","abort":{"failed_percent",
    /// "rejected_percent","timed_out_percent","all_percent"},"in_progress_timeout_seconds","start_at","end_at"}</c>.
    /// </summary>
    /// <exception cref="FormatException">A field of the wrong type or value, named.</exception>
    public static RolloutPlan Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("plan: must be a JSON object");
        }

        var waves = new List<RolloutWave>();
        if (root.TryGetProperty("waves", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("plan 'waves': must be an array such as [\"1%\", \"10%\", 500, \"100%\"]");
            }

            foreach (var wave in list.EnumerateArray())
            {
                waves.Add(wave.ValueKind switch
                {
                    JsonValueKind.String => RolloutWave.Parse(wave.GetString()!),
                    JsonValueKind.Number => RolloutWave.Parse(wave.GetRawText()),
                    _ => throw new FormatException("plan 'waves': each wave is \"N%\" or a number of devices"),
                });
            }
        }

        (int, double)? exponential = null;
        if (root.TryGetProperty("exponential", out var rate) && rate.ValueKind != JsonValueKind.Null)
        {
            exponential = ((int)Number(rate, "base_devices", "exponential.base_devices")!, Number(rate, "factor", "exponential.factor") ?? 2);
        }

        JsonElement abort = default;
        var hasAbort = root.TryGetProperty("abort", out abort) && abort.ValueKind == JsonValueKind.Object;
        var plan = new RolloutPlan
        {
            Waves = waves,
            Exponential = exponential,
            MinExecuted = (int)(Number(root, "min_executed", "min_executed") ?? 1),
            Abort = hasAbort
                ? new RolloutAbortCriteria(Number(abort, "failed_percent", "abort.failed_percent"), Number(abort, "rejected_percent", "abort.rejected_percent"),
                    Number(abort, "timed_out_percent", "abort.timed_out_percent"), Number(abort, "all_percent", "abort.all_percent"))
                : new RolloutAbortCriteria(null, null, null, null),
            InProgressTimeout = TimeSpan.FromSeconds(Number(root, "in_progress_timeout_seconds", "in_progress_timeout_seconds") ?? 1800),
            StartAt = Time(root, "start_at"),
            EndAt = Time(root, "end_at"),
        };
        plan.Validate();
        return plan;
    }

    /// <summary>Writes the plan as <see cref="Parse"/> reads it.</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (Exponential is var (baseDevices, factor))
        {
            w.WriteStartObject("exponential");
            w.WriteNumber("base_devices", baseDevices);
            w.WriteNumber("factor", factor);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartArray("waves");
            foreach (var wave in Waves)
            {
                w.WriteStringValue(wave.ToString());
            }

            w.WriteEndArray();
        }

        w.WriteNumber("min_executed", MinExecuted);
        w.WriteStartObject("abort");
        NumberOrNull(w, "failed_percent", Abort.FailedPercent);
        NumberOrNull(w, "rejected_percent", Abort.RejectedPercent);
        NumberOrNull(w, "timed_out_percent", Abort.TimedOutPercent);
        NumberOrNull(w, "all_percent", Abort.AllPercent);
        w.WriteEndObject();
        w.WriteNumber("in_progress_timeout_seconds", InProgressTimeout.TotalSeconds);
        TimeOrNull(w, "start_at", StartAt);
        TimeOrNull(w, "end_at", EndAt);
        w.WriteEndObject();
    }

    internal static void TimeOrNull(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            w.WriteString(name, t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void NumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double? Number(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new FormatException($"plan '{path}' must be a number");
    }

    internal static DateTimeOffset? Time(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
               && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"plan '{name}' must be a time such as 2026-12-07T03:00:00Z");
    }
}
