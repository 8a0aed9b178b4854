using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// <c>fleet rollout</c>'s output: a line per event (start, each wave, the end with a summary per wave), plus, with
/// <c>--watch</c>, a progress line whenever the counts change (at most one a second). With <c>--json</c> each is one
/// JSON object per line: <c>{"event":"started|resumed|wave_started|progress|completed|aborted|expired","rollout",
/// "model","version","target","wave","waves","population","reason","total":{counts},"per_wave":[{"wave","percent",counts}]}</c>.
/// </summary>
internal sealed class RolloutConsoleReporter(TextWriter output, bool json, bool watch, TimeProvider? time = null) : IRolloutReporter
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private string? _lastProgress;
    private DateTimeOffset _lastProgressAt;

    public void Started(RolloutState state, RolloutProgress progress, bool resumed)
    {
        var waves = string.Join(", ", state.Plan.WavesFor(progress.Population));
        Write(resumed ? "resumed" : "started", state, progress,
            resumed
                ? $"resuming rollout '{state.Name}' of {state.Describe} at wave {state.Waves.Count} (started {state.Waves[^1].StartedAt:u}); waves {waves}; {progress.Population} devices"
                : $"rollout '{state.Name}' of {state.Describe}: {progress.Population} devices, waves {waves}");
    }

    public void WaveStarted(RolloutState state, RolloutStartedWave wave, RolloutProgress progress) =>
        Write("wave_started", state, progress,
            $"wave {wave.Index + 1}/{state.Plan.WavesFor(progress.Population).Count} ({wave.Wave}{(state.Group is null ? "" : $", manifest at {wave.Percent}%")}): {wave.Devices} devices");

    public void Progress(RolloutState state, RolloutProgress progress)
    {
        if (!watch)
        {
            return;
        }

        var line = $"wave {state.Waves.Count}: {progress.Total}";
        var now = _time.GetUtcNow();
        if (line == _lastProgress || now - _lastProgressAt < TimeSpan.FromSeconds(1) && progress.Total.Open > 0)
        {
            return;
        }

        _lastProgress = line;
        _lastProgressAt = now;
        Write("progress", state, progress, line);
    }

    public void Finished(RolloutState state, RolloutProgress progress)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"rollout '{state.Name}' of {state.Describe}: {state.Outcome}");
        if (state.Outcome != RolloutState.Completed)
        {
            text.Append(CultureInfo.InvariantCulture, $" at wave {state.Waves.Count}/{state.Plan.WavesFor(progress.Population).Count}");
        }

        if (state.Reason is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $": {state.Reason}");
        }

        for (var i = 0; i < state.Waves.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  wave {i + 1} ({state.Waves[i].Wave}): {progress.Waves[i]}");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n  total: {progress.Total}; {progress.Population - progress.Total.Targeted} of {progress.Population} devices never targeted");
        Write(state.Outcome, state, progress, text.ToString());
    }

    private void Write(string kind, RolloutState state, RolloutProgress progress, string text)
    {
        if (!json)
        {
            output.WriteLine(text);
            output.Flush();
            return;
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", kind);
            w.WriteString("rollout", state.Name);
            w.WriteString("model", state.Model);
            w.WriteString("version", state.Version);
            w.WriteString("target", state.Group is not null ? "group:" + state.Group : "devices");
            w.WriteNumber("wave", state.Waves.Count);
            w.WriteNumber("waves", state.Plan.WavesFor(progress.Population).Count);
            w.WriteNumber("population", progress.Population);
            w.WriteString("outcome", state.Outcome);
            if (state.Reason is null)
            {
                w.WriteNull("reason");
            }
            else
            {
                w.WriteString("reason", state.Reason);
            }

            w.WritePropertyName("total");
            WriteCounts(w, progress.Total);
            w.WriteStartArray("per_wave");
            for (var i = 0; i < state.Waves.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("wave", state.Waves[i].Wave);
                w.WriteNumber("percent", state.Waves[i].Percent);
                RolloutPlan.TimeOrNull(w, "started_at", state.Waves[i].StartedAt);
                w.WritePropertyName("counts");
                WriteCounts(w, progress.Waves[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("text", text);
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    private static void WriteCounts(Utf8JsonWriter w, RolloutCounts counts)
    {
        w.WriteStartObject();
        w.WriteNumber("targeted", counts.Targeted);
        w.WriteNumber("executed", counts.Executed);
        foreach (var outcome in Enum.GetValues<RolloutOutcome>())
        {
            w.WriteNumber(Snake(outcome), counts[outcome]);
        }

        w.WriteEndObject();
    }

    private static string Snake(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.InProgress => "in_progress",
        RolloutOutcome.TimedOut => "timed_out",
        RolloutOutcome.RolledBack => "rolled_back",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
