using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Serving;

namespace EdgeLLM.Service.Tests.Mqtt;

/// <summary>Contract section 2 end to end: the real service, the real broker, a test client as the sensor.</summary>
public sealed class MqttServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private BrokerWatch _watch = null!;

    public async Task InitializeAsync() => _watch = await BrokerWatch.StartAsync(b => new MqttConnectionOptions
    {
        Host = b.Host, Port = b.Port, ClientId = "sensor-" + Guid.NewGuid().ToString("N")[..8],
        ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromSeconds(1),
    }, ["edgellm/dev1/#", "replies/#"]);

    public async Task DisposeAsync() => await _watch.DisposeAsync();

    private Task<RunningService> StartServiceAsync(Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(_watch.ServiceSettings())
        {
            ["EdgeLLM:Telemetry:IntervalSeconds"] = "1",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return RunningService.StartAsync(settings, keepState: true);
    }

    private static Dictionary<string, string> OnExecutor(string executor) => new() { ["EdgeLLM:Engine:Executor"] = executor };

    private Task PublishAsync(string payload, string topic = "edgellm/dev1/request") =>
        _watch.Client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload)).AsTask();

    private List<JsonElement> Finals(string topicPrefix = "edgellm/dev1/response/") => _watch.Received
        .Where(m => m.Topic.StartsWith(topicPrefix, StringComparison.Ordinal))
        .Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone())
        .Where(e => e.TryGetProperty("done", out _))
        .ToList();

    private async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; received: {string.Join(" | ", _watch.Received.Select(m => m.Topic))}");
            }
            await Task.Delay(50);
        }
    }

    private async Task WaitOnlineAsync()
    {
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/status" && m.PayloadAsString().Contains("\"online\"")), "status online");
        // The request subscription follows the connection; a telemetry message proves the front is past it.
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/telemetry"), "telemetry");
    }

    [Fact]
    public async Task Status_is_retained_online_with_the_model_and_telemetry_has_the_contract_fields()
    {
        await using (var service = await StartServiceAsync())
        {
            await WaitOnlineAsync();
            var status = JsonDocument.Parse(_watch.Received.Last(m => m.Topic == "edgellm/dev1/status").Payload).RootElement;
            Assert.Equal("iot-assist", status.GetProperty("model").GetString());
            Assert.Equal("2026.11.22", status.GetProperty("model_version").GetString());
            Assert.Equal("CPUExecutionProvider", status.GetProperty("execution_provider").GetString());
            foreach (var field in new[] { "runtime_version", "device_profile", "since", "ota_group" })
            {
                Assert.False(string.IsNullOrEmpty(status.GetProperty(field).GetString()));
            }
            var telemetry = JsonDocument.Parse(_watch.Received.Last(m => m.Topic == "edgellm/dev1/telemetry").Payload).RootElement;
            foreach (var field in new[] { "tokens_per_s", "in_flight", "queued", "memory_bytes", "energy_j_total", "power_w", "temperature_c", "energy_budget_remaining_j" })
            {
                Assert.True(telemetry.TryGetProperty(field, out _), field);
            }
        }
        await WaitForAsync(() => _watch.Received.Last(m => m.Topic == "edgellm/dev1/status").PayloadAsString() == "{\"state\":\"offline\"}", "status offline");
    }

    [Theory]
    [InlineData("edgellm")]
    [InlineData("genai")]
    public async Task A_request_published_while_the_service_is_down_is_answered_after_it_starts(string executor)
    {
        await using (await StartServiceAsync(OnExecutor(executor)))
        {
            await WaitOnlineAsync();
        }
        var c = DefaultModelSmoke.Cases[2];
        await PublishAsync(JsonSerializer.Serialize(new { id = "while-down", messages = new[] { new { role = "user", content = c.UserMessage } } }));
        await Task.Delay(300);
        Assert.Empty(Finals());
        await using (await StartServiceAsync(OnExecutor(executor)))
        {
            await WaitForAsync(() => Finals().Count == 1, "the final of the request sent while down");
            var final = Assert.Single(Finals());
            Assert.Equal("while-down", final.GetProperty("id").GetString());
            Assert.Equal(c.Text, final.GetProperty("text").GetString());
        }
    }

    /// <summary>
    /// Contract v1.2 (issue 27): a retained request is answered once, ever. The broker hands it to every SUBSCRIBE, so it
    /// used to be answered again on each restart, and run again once the dedup window had passed (here: no window at
    /// all). Both ways in are covered: one retained before the service ever subscribed, one published live.
    /// </summary>
    [Fact]
    public async Task A_retained_request_is_answered_once_across_restarts_and_past_the_dedup_window()
    {
        var noDedupWindow = new Dictionary<string, string> { ["EdgeLLM:Mqtt:DedupWindowSeconds"] = "0" };
        Task PublishRetainedAsync(string id) => _watch.Client.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev1/request", Retain = true,
            Payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id, prompt = "report the status of", max_tokens = 2 })),
        }).AsTask();
        int FinalsFor(string id) => Finals().Count(f => f.GetProperty("id").GetString() == id);
        await PublishRetainedAsync("retained-before");
        for (var round = 0; round < 3; round++)
        {
            await using (var service = await StartServiceAsync(noDedupWindow))
            {
                if (round == 0)
                {
                    await WaitOnlineAsync();
                    await PublishRetainedAsync("retained-live");
                }
                // Sent after the retained ones reached the session, so once it is answered they have been dispatched.
                var sentinel = $"sentinel-{round}";
                await PublishAsync(JsonSerializer.Serialize(new { id = sentinel, prompt = "report the status of", max_tokens = 2 }));
                await WaitForAsync(() => FinalsFor(sentinel) == 1, sentinel);
            }
            // A graceful stop waits for every dispatched request: a second answer would be in by now.
            Assert.Equal(1, FinalsFor("retained-before"));
            Assert.Equal(1, FinalsFor("retained-live"));
        }
        Assert.Contains(File.ReadLines(Path.Combine(_watch.StateDirectory, EdgeLLM.Service.Mqtt.RetainedRequestLog.FileName)), l => l.Length > 0);
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_no_final()
    {
        await using var service = await StartServiceAsync(new Dictionary<string, string> { ["EdgeLLM:Engine:MaxBatchSize"] = "1" });
        await WaitOnlineAsync();
        const int count = 12;
        for (var i = 0; i < count; i++)
        {
            await PublishAsync(JsonSerializer.Serialize(new { id = $"b-{i}", prompt = "report the status of", stream = true, max_tokens = 400, temperature = 1.2, seed = i }));
        }
        await _watch.Broker.StopAsync();
        await Task.Delay(1500);
        await _watch.Broker.StartAgainAsync();
        await WaitForAsync(() => Finals().Select(f => f.GetProperty("id").GetString()).Distinct().Count() == count, "every final after the broker restart");
        await Task.Delay(500);
        var finals = Finals();
        Assert.Equal(count, finals.Select(f => f.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(finals, f => Assert.True(f.TryGetProperty("finish_reason", out _), f.GetRawText()));
    }

    [Fact]
    public async Task A_thousand_malformed_payloads_each_get_an_error_final_and_the_service_keeps_serving()
    {
        await using var service = await StartServiceAsync();
        await WaitOnlineAsync();
        var random = new Random(1234);
        var payloads = new List<byte[]>();
        for (var i = 0; i < 1000; i++)
        {
            payloads.Add((i % 5) switch
            {
                0 => Encoding.UTF8.GetBytes($"not json {i} {{"),
                1 => Encoding.UTF8.GetBytes($"{{\"id\":\"m-{i}\",\"prompt\":{i},\"max_tokens\":\"many\"}}"),
                2 => Encoding.UTF8.GetBytes($"{{\"id\":\"m-{i}\",\"prompt\":\"{new string('x', 70_000)}\"}}"),
                3 => [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, (byte)random.Next(0x80, 0xff), 0x22, 0x7d],
                _ => Encoding.UTF8.GetBytes($"{{\"id\":\"m-{i}\"}}"),
            });
        }
        await Task.WhenAll(payloads.Select(p => _watch.Client.PublishAsync("edgellm/dev1/request", p).AsTask()));
        await WaitForAsync(() => Finals().Count >= 1000, "1000 error finals");
        var finals = Finals();
        Assert.Equal(1000, finals.Count);
        Assert.All(finals, f => Assert.Contains(f.GetProperty("error").GetProperty("code").GetString(), new[] { "bad_request", "payload_too_large" }));
        Assert.Equal(200, finals.Count(f => f.GetProperty("error").GetProperty("code").GetString() == "payload_too_large"));
        await PublishAsync("{\"id\":\"after\",\"prompt\":\"hello\",\"max_tokens\":3}", "edgellm/dev1/request");
        await WaitForAsync(() => Finals().Any(f => f.GetProperty("id").GetString() == "after"), "the request after the malformed ones");
        Assert.Equal("length", Finals().Single(f => f.GetProperty("id").GetString() == "after").GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("edgellm")]
    [InlineData("genai")]
    public async Task Reply_to_and_mqtt5_response_topic_route_the_answer(string executor)
    {
        await using var service = await StartServiceAsync(OnExecutor(executor));
        await WaitOnlineAsync();
        await PublishAsync("{\"id\":\"rt\",\"prompt\":\"hello\",\"max_tokens\":2,\"reply_to\":\"replies/sensor-7\"}");
        await _watch.Client.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev1/request",
            Payload = "{\"id\":\"v5\",\"prompt\":\"hello\",\"max_tokens\":2}"u8.ToArray(),
            ResponseTopic = "replies/v5",
            CorrelationData = new byte[] { 9, 8, 7 },
        });
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "replies/sensor-7") && _watch.Received.Any(m => m.Topic == "replies/v5"), "both replies");
        var v5 = _watch.Received.Single(m => m.Topic == "replies/v5");
        Assert.Equal(new byte[] { 9, 8, 7 }, v5.CorrelationData.ToArray());
        Assert.Empty(Finals());
    }

    [Fact]
    public async Task Under_four_times_the_load_the_kv_budget_admits_every_request_ends_in_a_final_or_overloaded_within_the_memory_budget()
    {
        // KV for one full-context sequence of the default model is 2 MiB: a 4 MiB KV budget admits two at a time.
        const long memoryBudget = 1L << 30;
        var profile = Path.Combine(_watch.StateDirectory, "small-kv.json");
        File.WriteAllText(profile, $$"""
        {
          "id": "small-kv", "description": "test device with room for two sequences",
          "match": { "priority": 0, "rules": [] },
          "execution_providers": [ { "name": "CPU", "options": {} } ],
          "threads": 1, "memory_budget_bytes": {{memoryBudget}}, "kv_cache_budget_bytes": 4194304,
          "max_concurrent_sequences": 8, "max_queued_requests": 3,
          "energy": { "meter": "estimate", "idle_watts": 5, "active_watts": 10, "rolling_budget_j_per_hour": 0, "exempt_high_priority": true },
          "thermal": { "zone": "auto", "throttle_c": 85, "pause_c": 95, "resume_c": 80, "throttle_batch": 1 },
          "systemd_memory_max": "1G"
        }
        """);
        await using var service = await StartServiceAsync(new Dictionary<string, string> { ["EdgeLLM:Device"] = profile });
        await WaitOnlineAsync();
        Assert.Equal(2, service.Host.Current!.Engine.GetStats().BatchCapacity);
        const int count = 8;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            PublishAsync(JsonSerializer.Serialize(new { id = $"load-{i}", prompt = "report the status of", max_tokens = 300, temperature = 1.1, seed = i }))));
        await WaitForAsync(() => Finals().Count == count, "a final for every request");
        var finals = Finals();
        Assert.Equal(count, finals.Select(f => f.GetProperty("id").GetString()).Distinct().Count());
        var overloaded = finals.Count(f => f.TryGetProperty("error", out var e) && e.GetProperty("code").GetString() == "overloaded");
        var answered = finals.Count(f => f.TryGetProperty("finish_reason", out _));
        Assert.Equal(count, overloaded + answered);
        Assert.True(overloaded > 0 && answered >= 2, $"{answered} answered, {overloaded} overloaded");
        Assert.True(ProcessMemory.PeakResidentBytes() < memoryBudget);
    }

    [Fact]
    public async Task A_pool_request_is_served_through_the_shared_subscription()
    {
        await using var service = await StartServiceAsync(new Dictionary<string, string> { ["EdgeLLM:Mqtt:Pool"] = "p1" });
        await WaitOnlineAsync();
        await PublishAsync("{\"id\":\"pooled\",\"prompt\":\"hello\",\"max_tokens\":2,\"reply_to\":\"replies/pooled\"}", "edgellm/pool/p1/request");
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "replies/pooled"), "the pool request's final");
        Assert.Contains("\"finish_reason\"", _watch.Received.Single(m => m.Topic == "replies/pooled").PayloadAsString());
    }

    [Fact]
    public async Task An_ota_manifest_on_the_device_topic_is_checked_and_its_status_retained()
    {
        await using var service = await StartServiceAsync();
        await WaitOnlineAsync();
        await PublishAsync("{\"model\":\"iot-assist\",\"version\":\"2099.1.1\",\"url\":\"http://127.0.0.1:9/b.tar.gz\",\"sha256\":\"00\",\"size\":1,\"signature\":\"AAAA\"}", "edgellm/dev1/ota");
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/ota/status" && m.PayloadAsString().Contains("rejected")), "a rejected OTA status");
        var status = JsonDocument.Parse(_watch.Received.Last(m => m.Topic == "edgellm/dev1/ota/status").Payload).RootElement;
        Assert.Equal("2099.1.1", status.GetProperty("version").GetString());
        Assert.False(string.IsNullOrEmpty(status.GetProperty("error").GetString()));
        // Still serving the embedded model.
        Assert.Equal("2026.11.22", service.Host.Current!.Model.Identity.Version);
    }
}
