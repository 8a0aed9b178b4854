using System.Diagnostics;
using System.Text;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Cli.Tests;

/// <summary>
/// <c>edgellm serve</c> as a real process: SIGTERM stops it cleanly without losing an MQTT final; SIGKILL leaves the
/// Last Will behind.
/// </summary>
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource> _shuttingDown = new();

    private string Output => $"stdout:\n{string.Join('\n', _stdout.TakeLast(60))}\nstderr:\n{string.Join('\n', _stderr.TakeLast(60))}";

    private static void Terminate(Process process) => Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();

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
        var shuttingDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _shuttingDown[process.Id] = shuttingDown;
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
                if (e.Data.Contains("Application is shutting down", StringComparison.Ordinal))
                {
                    shuttingDown.TrySetResult();
                }
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

    /// <summary>
    /// Contract v1.2, shutdown: 20 requests being generated when SIGTERM lands and 10 more published while the service
    /// stops all get exactly one final, the first from the stopping instance (finished or cancelled within the drain
    /// time) and the rest after the next start, delivered again by the persistent session because nobody took them.
    /// </summary>
    [Fact]
    public async Task Sigterm_with_requests_generating_and_arriving_loses_no_final_and_answers_none_twice()
    {
        var finals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var requester = new MqttConnection(new MqttConnectionOptions { Host = _broker.Host, Port = _broker.Port, ClientId = "requester", CleanStart = true });
        await requester.ConnectAsync();
        await requester.SubscribeAsync("edgellm/proc1/response/#");
        var pump = Task.Run(async () =>
        {
            await foreach (var m in requester.Messages.ReadAllAsync())
            {
                using var doc = System.Text.Json.JsonDocument.Parse(m.Payload);
                if (!doc.RootElement.TryGetProperty("done", out _))
                {
                    firstChunk.TrySetResult();
                    continue;
                }
                var id = doc.RootElement.GetProperty("id").GetString()!;
                finals.Enqueue(id);
                if (doc.RootElement.TryGetProperty("error", out var error))
                {
                    errors.Enqueue($"{id}: {error}");
                }
                if (answered.TryAdd(id, true) && answered.Count == 30)
                {
                    allAnswered.TrySetResult();
                }
            }
        });
        var ids = Enumerable.Range(0, 30).Select(i => $"sig-{i}").ToList();
        // A schema whose shortest answer is 200 characters keeps each request generating for a while, whatever the model.
        const string Body = """
            "messages":[{"role":"user","content":"describe the kitchen"}],"max_tokens":400,"temperature":1.0,"seed":7,"stream":true,
            "response_format":{"type":"json_schema","json_schema":{"name":"long","schema":{"type":"string","minLength":200}}}}
            """;
        Task Send(string id) => requester.PublishAsync("edgellm/proc1/request", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",{Body}")).AsTask();

        using (var first = Serve())
        {
            await NextStatusAsync(s => s.Contains("\"state\":\"online\""));
            await Task.WhenAll(ids.Take(20).Select(Send));
            await firstChunk.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Terminate(first);
            await _shuttingDown[first.Id].Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.WhenAll(ids.Skip(20).Select(Send));
            Assert.True(first.WaitForExit(60_000), Output);
            first.WaitForExit();
            Assert.True(first.ExitCode == 0, $"exit code {first.ExitCode}\n{Output}");
            Assert.DoesNotContain(_stdout.Concat(_stderr), l => l.Contains("ObjectDisposedException", StringComparison.Ordinal));
            // Published after the stop began (the host logs that line once intake has ended): none was taken here.
            Assert.DoesNotContain(ids.Skip(20), answered.ContainsKey);
        }
        using (var second = Serve())
        {
            try
            {
                await allAnswered.Task.WaitAsync(TimeSpan.FromSeconds(180));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{answered.Count} of 30 answered: missing {string.Join(", ", ids.Except(answered.Keys))}\n{Output}");
            }
            // Everything the second instance publishes is out once it has exited: a duplicate would be in by then.
            Terminate(second);
            Assert.True(second.WaitForExit(60_000), Output);
        }
        await requester.DisposeAsync();
        await pump;
        Assert.Equal(ids.Order(), finals.Order());
        // Answered, not refused: a request that arrived while the service stopped waited for the next start.
        Assert.Empty(errors);
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
