using System.Diagnostics;
using System.Text.Json;
using EdgeLLM.Cli.Tests.Support;
using Xunit.Abstractions;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary>
/// The operator's process dies mid-wave (SIGKILL: no clean-up runs) and is started again with the same command: it
/// takes the rollout up from the state retained on the broker, in the wave it was in, with that wave's start time.
/// </summary>
[Collection(FleetRolloutCollection.Name)]
public sealed class FleetRolloutResumeTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_rollout_killed_mid_wave_continues_the_same_wave_when_started_again_and_never_restarts_a_wave()
    {
        // Slow devices (a second per step), so that the second wave is still running when the process is killed.
        await using var fleet = await SimulatedFleet.StartAsync(devices: 200, step: TimeSpan.FromSeconds(1));
        string[] plan = ["--waves", "5%,30%,100%", "--min-executed", "10", "--abort-failed", "20", "--in-progress-timeout", "120", "--json"];

        var first = StartProcess([.. fleet.RolloutArguments(plan)]);
        JsonElement secondWave;
        try
        {
            secondWave = await first.WaitForAsync(e => e.GetProperty("event").GetString() == "wave_started" && e.GetProperty("wave").GetInt32() == 2, Limit);
        }
        finally
        {
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
        }

        log.WriteLine(string.Join("\n", first.Lines));
        var startedAt = secondWave.GetProperty("per_wave").EnumerateArray().Select(w => w.GetProperty("started_at").GetString()).ToList();

        var second = await InProcess.RunAsync(fleet.RolloutArguments(plan));
        log.WriteLine(second.Output);
        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        var events = second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var resumed = events[0];
        Assert.Equal(("resumed", 2), (resumed.GetProperty("event").GetString(), resumed.GetProperty("wave").GetInt32()));
        // Mid-wave: devices of the second wave were still at work when the process was killed.
        var secondWaveThen = resumed.GetProperty("per_wave")[1].GetProperty("counts");
        Assert.True(secondWaveThen.GetProperty("in_progress").GetInt32() + secondWaveThen.GetProperty("pending").GetInt32() > 0, resumed.ToString());
        // Only the third wave was started by the second process; the first two kept their start times.
        Assert.Equal([3], events.Where(e => e.GetProperty("event").GetString() == "wave_started").Select(e => e.GetProperty("wave").GetInt32()));
        var completed = events[^1];
        Assert.Equal("completed", completed.GetProperty("event").GetString());
        Assert.Equal(startedAt, completed.GetProperty("per_wave").EnumerateArray().Take(2).Select(w => w.GetProperty("started_at").GetString()));
        Assert.Equal(200, completed.GetProperty("total").GetProperty("succeeded").GetInt32());
        Assert.All(fleet.Simulator.Devices.Values, d => Assert.Equal((SimulatedFleet.NewVersion, 1), (d.Active.Version, d.Installs)));
    }

    private static RolloutProcess StartProcess(string[] arguments)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "edgellm.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(app);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host} {app}");
        var rollout = new RolloutProcess(process);
        process.OutputDataReceived += (_, e) => rollout.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => rollout.OnLine(e.Data is null ? null : "stderr: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return rollout;
    }

    /// <summary>A <c>fleet rollout --json</c> child process and its output lines, each JSON event offered to the waiters as it comes.</summary>
    private sealed class RolloutProcess(Process process)
    {
        private readonly List<string> _lines = [];
        private readonly List<(Func<JsonElement, bool> Match, TaskCompletionSource<JsonElement> Found)> _waiters = [];

        public Process Process { get; } = process;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void OnLine(string? line)
        {
            lock (_lines)
            {
                if (line is null)
                {
                    foreach (var (_, found) in _waiters)
                    {
                        found.TrySetException(new InvalidOperationException("the process ended:\n" + string.Join("\n", _lines)));
                    }

                    return;
                }

                _lines.Add(line);
                if (!line.StartsWith('{'))
                {
                    return;
                }

                var element = JsonDocument.Parse(line).RootElement.Clone();
                foreach (var (match, found) in _waiters.Where(w => w.Match(element)))
                {
                    found.TrySetResult(element);
                }
            }
        }

        public Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout)
        {
            var found = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                foreach (var line in _lines.Where(l => l.StartsWith('{')))
                {
                    var element = JsonDocument.Parse(line).RootElement.Clone();
                    if (match(element))
                    {
                        return Task.FromResult(element);
                    }
                }

                _waiters.Add((match, found));
            }

            return found.Task.WaitAsync(timeout);
        }
    }
}
