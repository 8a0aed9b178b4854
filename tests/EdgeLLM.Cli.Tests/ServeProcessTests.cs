using System.Diagnostics;
using System.Text;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests;

/// <summary><c>edgellm serve</c> as a real process: SIGTERM stops it cleanly; SIGKILL leaves the Last Will behind.</summary>
public sealed class ServeProcessTests : IAsyncLifetime
{
    private MosquittoBroker _broker = null!;
    private MqttConnection _watcher = null!;
    private readonly string _state = Directory.CreateTempSubdirectory("edgellm-serve-").FullName;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _watcher = new MqttConnection(new MqttConnectionOptions { Host = _broker.Host, Port = _broker.Port, ClientId = "watcher", CleanStart = true });
        await _watcher.ConnectAsync();
        await _watcher.SubscribeAsync("edgellm/proc1/status");
    }

    public async Task DisposeAsync()
    {
        await _watcher.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _stderr = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _stdout = new();

    private Process Serve(Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgellm.dll"), "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _state,
        };
        psi.Environment["EDGELLM__MQTT__HOST"] = _broker.Host;
        psi.Environment["EDGELLM__MQTT__PORT"] = _broker.Port.ToString();
        psi.Environment["EDGELLM__DEVICEID"] = "proc1";
        psi.Environment["EDGELLM__STATEDIR"] = _state;
        psi.Environment["EDGELLM__HTTP__URLS"] = "http://127.0.0.1:0";
        psi.Environment["EDGELLM__ENGINE__THREADS"] = "1";
        foreach (var (k, v) in environment ?? [])
        {
            psi.Environment[k] = v;
        }
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stdout.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<string> NextStatusAsync(Func<string, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var message = await _watcher.Messages.ReadAsync(timeout.Token);
            var text = Encoding.UTF8.GetString(message.Payload.Span);
            if (wanted(text))
            {
                return text;
            }
        }
    }

    [Fact]
    public async Task Sigkill_leaves_the_retained_last_will_offline_and_sigterm_exits_zero()
    {
        using (var killed = Serve())
        {
            await NextStatusAsync(s => s.Contains("\"state\":\"online\""));
            killed.Kill();
            Assert.Equal("{\"state\":\"offline\"}", await NextStatusAsync(s => s.Contains("offline")));
        }
        using var stopped = Serve();
        await NextStatusAsync(s => s.Contains("\"state\":\"online\""));
        Process.Start("kill", ["-TERM", stopped.Id.ToString()])!.WaitForExit();
        Assert.True(stopped.WaitForExit(30_000));
        stopped.WaitForExit(); // and the output readers have drained
        Assert.True(stopped.ExitCode == 0, $"exit code {stopped.ExitCode}; output:\n{string.Join('\n', _stdout.TakeLast(40))}\n{string.Join('\n', _stderr)}");
        Assert.Equal("{\"state\":\"offline\"}", await NextStatusAsync(s => s.Contains("offline")));
    }

    [Fact]
    public async Task Under_systemd_it_notifies_ready_once_serving_pings_the_watchdog_and_logs_with_priorities()
    {
        using var notify = EdgeLLM.Service.Tests.Systemd.NotifySocketListener.AtPath();
        using var service = Serve(new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notify.NotifySocket,
            ["WATCHDOG_USEC"] = "1000000",
            ["INVOCATION_ID"] = "0123456789abcdef",
            ["JOURNAL_STREAM"] = "8:12345",
        });
        var beforeReady = await Task.Run(() => notify.ReceiveUntil(m => m.Contains("READY=1")));
        Assert.Contains(beforeReady, m => m.Contains("STATUS=loading the model"));
        // READY=1 waits for the start-up probe: it carries, or follows, the status naming the model that serves.
        Assert.Contains(beforeReady, m => m.Contains("STATUS=serving iot-assist"));
        Assert.True(beforeReady.FindIndex(m => m.Contains("STATUS=loading the model")) < beforeReady.FindIndex(m => m.Contains("STATUS=serving iot-assist")),
            string.Join(" | ", beforeReady));
        var pings = await Task.Run(() => notify.ReceiveUntil(m => m == "WATCHDOG=1"));
        Assert.Equal("WATCHDOG=1", pings[^1]);
        await NextStatusAsync(s => s.Contains("\"state\":\"online\""));
        Process.Start("kill", ["-TERM", service.Id.ToString()])!.WaitForExit();
        var stopping = await Task.Run(() => notify.ReceiveUntil(m => m.Contains("STOPPING=1")));
        Assert.Contains("STOPPING=1", stopping[^1]);
        Assert.True(service.WaitForExit(30_000));
        Assert.Equal(0, service.ExitCode);
        var lines = _stderr.ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches("^<[2-7]>", l));
        // Microsoft.Extensions.Logging.Console's systemd format: <priority>Category[event id] message.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^<6>EdgeLLM\.Service\.Hosting\.ModelHost\[\d+\] Serving iot-assist"));
    }
}
