using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Mqtt.Topics;
using EdgeLLM.Service.Tests.Hosting;
using EdgeLLM.Service.Tests.Mqtt;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// The MQTT property of issue 18, end to end (real service, real mosquitto): every request the broker accepted gets
/// exactly one final, a result or an error with a code, on a topic the client can see, carrying the request's
/// Correlation Data, whatever the payload and MQTT 5 properties; and the service still serves afterwards.
/// </summary>
public sealed class MqttFuzzTests : IAsyncLifetime
{
    private const int PayloadLimit = 2048;
    private BrokerWatch _watch = null!;

    // Everything: a valid reply_to may name any topic.
    public async Task InitializeAsync() => _watch = await BrokerWatch.StartAsync("fuzz-listener", ["#"]);

    public async Task DisposeAsync() => await _watch.DisposeAsync();

    [Fact]
    public async Task Every_accepted_request_gets_exactly_one_final_where_the_client_sees_it_and_the_service_keeps_serving()
    {
        await using var service = await RunningService.StartAsync(new Dictionary<string, string>(_watch.ServiceSettings())
        {
            ["EdgeLLM:Mqtt:MaxPayloadBytes"] = PayloadLimit.ToString(),
            ["EdgeLLM:Telemetry:IntervalSeconds"] = "1",
        }, keepState: true);
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "edgellm/dev1/telemetry"), "the service online", TimeSpan.FromSeconds(60));

        var random = new Random(FuzzSettings.Seed);
        var payloads = new HostilePayloads(random, PayloadLimit);
        var cases = 2000 * FuzzSettings.Scale;
        var sent = new (byte[] Payload, RawMqtt5Publisher.Properties Properties, string Kind)[cases];
        for (var i = 0; i < cases; i++)
        {
            var properties = Properties(random, i);
            sent[i] = (payloads.Mqtt(random.Next(10) == 0 ? "shared-id" : $"f-{i}", ReplyTo(random, i)), properties, payloads.LastKind);
        }
        var accepted = new bool[cases];
        await using (var publisher = await RawMqtt5Publisher.ConnectAsync(_watch.Broker.Host, _watch.Broker.Port, "fuzz-publisher"))
        {
            // mosquitto lets a client have 20 QoS 1 publishes in flight.
            using var window = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, cases).Select(async i =>
            {
                await window.WaitAsync();
                try
                {
                    accepted[i] = await publisher.PublishAsync("edgellm/dev1/request", sent[i].Payload, sent[i].Properties) < 0x80;
                }
                finally
                {
                    window.Release();
                }
            }));
        }
        var expected = accepted.Count(a => a);
        Assert.True(expected > cases * 9 / 10, $"the broker refused {cases - expected} of {cases} publishes ({FuzzSettings.Reproduce(0)})");
        await WaitForAsync(() => Finals().Count >= expected, $"{expected} finals", TimeSpan.FromSeconds(120 * FuzzSettings.Scale), () => Missing(accepted, sent));
        // Anything that would arrive twice arrives right behind the first.
        await Task.Delay(1000);
        var byCase = Finals().GroupBy(f => f.Case).ToDictionary(g => g.Key, g => g.ToList());
        for (var i = 0; i < cases; i++)
        {
            var count = byCase.TryGetValue(i, out var finals) ? finals.Count : 0;
            Assert.True(accepted[i] ? count == 1 : count == 0,
                $"{FuzzSettings.Reproduce(i)} ({sent[i].Kind}): {count} finals, broker accepted: {accepted[i]}\npayload: {FuzzSettings.Show(sent[i].Payload)}\nproperties: {sent[i].Properties}");
            if (count == 1)
            {
                var (topic, json) = (finals![0].Topic, finals[0].Json);
                var ok = json.TryGetProperty("finish_reason", out _)
                    || (json.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.GetString() is { Length: > 0 } c && c != "internal");
                Assert.True(ok, $"{FuzzSettings.Reproduce(i)} ({sent[i].Kind}): final on {topic} is neither a result nor an error with a code: {json.GetRawText()}");
            }
        }
        // Still healthy: ready, and a plain request is answered.
        Assert.True(service.Host.IsReady);
        await _watch.Client.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev1/request", Payload = "{\"id\":\"after-fuzz\",\"prompt\":\"hello\",\"max_tokens\":2}"u8.ToArray(),
            ResponseTopic = "fz/after", CorrelationData = new byte[] { 0xAF },
        });
        await WaitForAsync(() => _watch.Received.Any(m => m.Topic == "fz/after" && m.PayloadAsString().Contains("finish_reason")), "the request after the fuzz", TimeSpan.FromSeconds(60));
    }

    /// <summary>Finals seen so far, tagged with the case their Correlation Data names.</summary>
    private List<(int Case, string Topic, JsonElement Json)> Finals() => _watch.Received
        .Where(m => m.Topic != "edgellm/dev1/request" && m.CorrelationData.Length >= 5 && m.CorrelationData.Span[0] == (byte)'c')
        .Select(m => (Case: BinaryPrimitives.ReadInt32BigEndian(m.CorrelationData.Span[1..5]), m.Topic, Json: Parse(m)))
        .Where(f => f.Json.ValueKind == JsonValueKind.Object && f.Json.TryGetProperty("done", out _))
        .ToList();

    private static JsonElement Parse(MqttMessage m)
    {
        try
        {
            return JsonDocument.Parse(m.Payload).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private string Missing(bool[] accepted, (byte[] Payload, RawMqtt5Publisher.Properties Properties, string Kind)[] sent)
    {
        var seen = Finals().Select(f => f.Case).ToHashSet();
        var first = Enumerable.Range(0, accepted.Length).FirstOrDefault(i => accepted[i] && !seen.Contains(i), -1);
        return first < 0 ? "none missing" : $"{accepted.Count(a => a) - seen.Count} missing; first missing: {FuzzSettings.Reproduce(first)} ({sent[first].Kind})\npayload: {FuzzSettings.Show(sent[first].Payload)}\nproperties: {sent[first].Properties}";
    }

    /// <summary>Random MQTT 5 properties; the Correlation Data always starts with 'c' and the case number, so finals can be matched.</summary>
    private static RawMqtt5Publisher.Properties Properties(Random random, int caseIndex)
    {
        var correlation = new byte[5 + random.Next(0, 9)];
        random.NextBytes(correlation);
        correlation[0] = (byte)'c';
        BinaryPrimitives.WriteInt32BigEndian(correlation.AsSpan(1), caseIndex);
        string? responseTopic = random.Next(8) switch
        {
            0 => $"fz/rt/{caseIndex}",
            1 => "fz/#",
            2 => "fz/+/y",
            3 => "$SYS/fz",
            4 => "fz/shared",
            5 => $"fz/ü/{caseIndex}/\U0001F600",
            _ => null,
        };
        var users = Enumerable.Range(0, random.Next(0, 3)).Select(n => ($"k{n}\u00e9", random.Next(2) == 0 ? "" : "v\U0001F600")).ToList();
        return new RawMqtt5Publisher.Properties(responseTopic, correlation,
            random.Next(3) == 0 ? "application/json" : random.Next(2) == 0 ? "text/\u00e9" : null,
            random.Next(4) == 0 ? (byte)0 : null, random.Next(4) == 0 ? (uint)random.Next(60, 100_000) : null, users);
    }

    private static string? ReplyTo(Random random, int caseIndex) => random.Next(6) switch
    {
        0 => $"fz/reply/{caseIndex}",
        1 => "fz/reply/#",
        2 => "$SYS/reply",
        3 => "",
        _ => null,
    };

    private async Task WaitForAsync(Func<bool> condition, string what, TimeSpan timeout, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what} ({FuzzSettings.Reproduce(0)}); {detail?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }
}
