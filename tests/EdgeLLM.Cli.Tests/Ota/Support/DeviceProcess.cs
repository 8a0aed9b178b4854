using System.Diagnostics;
using System.Text.Json;

namespace EdgeLLM.Cli.Tests.Ota.Support;

/// <summary>
/// The real <c>edgellm</c> app (copied beside the tests) running <c>ota device-sim</c> in a child process: its JSON
/// event lines are collected, and it can be killed with SIGKILL at any moment, like a power loss for the process.
/// </summary>
internal sealed class DeviceProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly System.Text.StringBuilder _stderr = new();

    private DeviceProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static DeviceProcess Start(params string[] arguments)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "edgellm.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("ota");
        start.ArgumentList.Add("device-sim");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host} {app}");
        var device = new DeviceProcess(process);
        process.OutputDataReceived += (_, e) => device.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (device._stderr)
            {
                device._stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return device;
    }

    /// <summary>Waits for an event named <paramref name="name"/>; fails with everything the process said when it does not come.</summary>
    public async Task<JsonElement> WaitForAsync(string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Events.FirstOrDefault(e => e.GetProperty("event").GetString() == name);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found.GetProperty("data");
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && !await _arrived.WaitAsync(200)))
            {
                throw new TimeoutException(Describe($"no '{name}' event"));
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, flush or finish anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(Describe("did not exit"));
        }

        _process.WaitForExit(); // drains the output readers
        if (Events.Count == 0)
        {
            throw new InvalidOperationException(Describe($"edgellm exited with {_process.ExitCode} without printing any event"));
        }

        return _process.ExitCode;
    }

    public string Describe(string problem)
    {
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        var hint = Events.Count == 0 && stderr.Length == 0
            ? " The process printed nothing: does src/EdgeLLM.Cli/Program.cs add OtaCommand.Create() to its root command?"
            : "";
        return $"{problem}.{hint}\nevents:\n{string.Join('\n', Events.Select(e => e.GetRawText()))}\nstderr:\n{stderr}";
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || !line.StartsWith('{'))
        {
            return;
        }

        lock (_events)
        {
            _events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        _arrived.Release();
    }
}
