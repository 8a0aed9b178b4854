using System.Diagnostics;

namespace EdgeLLM.Soak;

/// <summary>
/// Owns the service under soak when <c>--serve</c> is given: starts it, and every <c>--restart-every</c> sends it
/// SIGTERM, waits for it to exit and starts it again (contract v1.2: requests being generated when it is told to stop,
/// and those published while it stops, still get exactly one final). Its output goes to <c>--log</c> when set.
/// </summary>
internal sealed class ServiceRestarter(string command, string? log) : IAsyncDisposable
{
    private Process? _process;
    private int _restarts;

    /// <summary>The running service's process id.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("the service is not started");

    /// <summary>SIGTERM/restart cycles done so far.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    public void Start()
    {
        var psi = new ProcessStartInfo("bash", ["-c", log is null ? $"exec {command}" : $"exec {command} >> '{log}' 2>&1"]) { UseShellExecute = false };
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start: {command}");
    }

    /// <summary>Restarts the service every <paramref name="every"/> until <paramref name="cancellationToken"/> fires.</summary>
    public async Task CycleAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await StopAsync();
                Start();
                Interlocked.Increment(ref _restarts);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>SIGTERM, then waits for the exit (the service drains within its ShutdownDrainSeconds).</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} the service exited {process.ExitCode} after SIGTERM");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
