using System.Text;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Errors;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Mqtt.Tests.Infrastructure;

namespace EdgeLLM.Mqtt.Tests;

/// <summary>EdgeLLM's connection layer on MQTTnet against a real mosquitto broker.</summary>
public sealed class MqttConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private MosquittoBroker _broker = null!;
    private readonly List<MqttConnection> _clients = [];

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        await _broker.DisposeAsync();
    }

    private MqttConnection Client(string id, Action<MqttConnectionOptions>? configure = null)
    {
        var options = new MqttConnectionOptions
        {
            Host = _broker.Host,
            Port = _broker.Port,
            ClientId = id,
            KeepAlive = TimeSpan.FromSeconds(5),
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        var client = new MqttConnection(options);
        _clients.Add(client);
        return client;
    }

    private static async Task<MqttMessage> NextAsync(MqttConnection client, string? topic = null)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var message = await client.Messages.ReadAsync(timeout.Token);
            if (topic is null || message.Topic == topic)
            {
                return message;
            }
        }
    }

    [Fact]
    public async Task Round_trip_keeps_response_topic_and_correlation_data()
    {
        var sub = Client("sub");
        var pub = Client("pub");
        await sub.ConnectAsync();
        await pub.ConnectAsync();
        await sub.SubscribeAsync("edgellm/dev/request");
        byte[] correlation = [1, 2, 3, 0, 255];
        await pub.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev/request",
            Payload = "{\"prompt\":\"hi\"}"u8.ToArray(),
            ResponseTopic = "clients/c1/reply",
            CorrelationData = correlation,
        });
        var received = await NextAsync(sub);
        Assert.Equal("{\"prompt\":\"hi\"}", received.PayloadAsString());
        Assert.Equal("clients/c1/reply", received.ResponseTopic);
        Assert.Equal(correlation, received.CorrelationData.ToArray());
        Assert.Equal(MqttQualityOfService.AtLeastOnce, received.QualityOfService);
    }

    [Fact]
    public async Task A_refused_connection_is_a_typed_error()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = [("edge", "secret-pass")] });
        var client = new MqttConnection(new MqttConnectionOptions { Host = broker.Host, Port = broker.Port, ClientId = "bad", Username = "edge", Password = "wrong" });
        _clients.Add(client);
        var e = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new CancellationTokenSource(Wait).Token));
        Assert.False(string.IsNullOrEmpty(e.Message));
        var good = new MqttConnection(new MqttConnectionOptions { Host = broker.Host, Port = broker.Port, ClientId = "good", Username = "edge", Password = "secret-pass" });
        _clients.Add(good);
        await good.ConnectAsync(new CancellationTokenSource(Wait).Token);
        Assert.True(good.IsConnected);
    }

    [Fact]
    public async Task Retained_messages_reach_later_subscribers()
    {
        var pub = Client("pub");
        await pub.ConnectAsync();
        await pub.PublishAsync("edgellm/dev/status", "{\"state\":\"online\"}"u8.ToArray(), retain: true);
        var late = Client("late");
        await late.ConnectAsync();
        await late.SubscribeAsync("edgellm/dev/status");
        var message = await NextAsync(late);
        Assert.True(message.Retain);
        Assert.Equal("{\"state\":\"online\"}", message.PayloadAsString());
    }

    [Fact]
    public async Task A_clean_disconnect_does_not_publish_the_last_will()
    {
        // The will firing when the process dies is tested end to end: the service is SIGKILLed in the service tests.
        var watcher = Client("watcher");
        await watcher.ConnectAsync();
        await watcher.SubscribeAsync("edgellm/+/status");
        var clean = Client("clean", o => o.LastWill = new MqttMessage { Topic = "edgellm/clean/status", Payload = "{\"state\":\"offline\"}"u8.ToArray() });
        await clean.ConnectAsync();
        await clean.PublishAsync("edgellm/clean/status", "{\"state\":\"online\"}"u8.ToArray());
        await clean.DisconnectAsync();
        Assert.Equal("{\"state\":\"online\"}", (await NextAsync(watcher)).PayloadAsString());
        await Task.Delay(500);
        Assert.False(watcher.Messages.TryRead(out _));
    }

    /// <summary>
    /// Manual acknowledgement (issue 27): a message the reader never acknowledged stays in the persistent session and
    /// comes again after the next connect; one it acknowledged does not.
    /// </summary>
    [Fact]
    public async Task With_manual_acknowledgement_only_unacknowledged_messages_come_again_after_a_reconnect()
    {
        var service = Client("service-manual", o => o.ManualAcknowledgement = true);
        await service.ConnectAsync();
        await service.SubscribeAsync("edgellm/dev/request");
        var sensor = Client("sensor-manual");
        await sensor.ConnectAsync();
        await sensor.PublishAsync("edgellm/dev/request", "taken"u8.ToArray());
        await sensor.PublishAsync("edgellm/dev/request", "left"u8.ToArray());
        var taken = await NextAsync(service);
        var left = await NextAsync(service);
        Assert.Equal(("taken", "left"), (taken.PayloadAsString(), left.PayloadAsString()));
        Assert.True(await service.AcknowledgeAsync(taken));
        await service.DisconnectAsync();
        await sensor.PublishAsync("edgellm/dev/request", "after"u8.ToArray());
        await service.ConnectAsync();
        Assert.Equal("left", (await NextAsync(service)).PayloadAsString());
        Assert.Equal("after", (await NextAsync(service)).PayloadAsString());
    }

    [Fact]
    public async Task A_persistent_session_receives_what_was_published_while_it_was_away()
    {
        var service = Client("service");
        await service.ConnectAsync();
        await service.SubscribeAsync("edgellm/dev/request");
        await service.DisconnectAsync();
        var sensor = Client("sensor");
        await sensor.ConnectAsync();
        await sensor.PublishAsync("edgellm/dev/request", "while-down"u8.ToArray());
        await service.ConnectAsync();
        Assert.Equal("while-down", (await NextAsync(service)).PayloadAsString());
    }

    [Fact]
    public async Task A_shared_subscription_splits_the_requests()
    {
        var one = Client("one");
        var two = Client("two");
        await one.ConnectAsync();
        await two.ConnectAsync();
        await one.SubscribeAsync("$share/pool/edgellm/pool/pool/request");
        await two.SubscribeAsync("$share/pool/edgellm/pool/pool/request");
        var pub = Client("pub");
        await pub.ConnectAsync();
        for (var i = 0; i < 20; i++)
        {
            await pub.PublishAsync("edgellm/pool/pool/request", Encoding.UTF8.GetBytes(i.ToString()));
        }
        var seen = new List<string>();
        var perClient = new int[2];
        using var timeout = new CancellationTokenSource(Wait);
        while (seen.Count < 20)
        {
            var read1 = one.Messages.TryRead(out var m1);
            var read2 = two.Messages.TryRead(out var m2);
            if (read1)
            {
                seen.Add(m1!.PayloadAsString());
                perClient[0]++;
            }
            if (read2)
            {
                seen.Add(m2!.PayloadAsString());
                perClient[1]++;
            }
            if (!read1 && !read2)
            {
                await Task.Delay(10, timeout.Token);
            }
        }
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString()).Order(), seen.Order());
        Assert.True(perClient[0] > 0 && perClient[1] > 0, $"{perClient[0]} / {perClient[1]}");
    }

    [Fact]
    public async Task A_publish_made_while_the_broker_restarts_arrives_after_it()
    {
        var sub = Client("sub");
        var pub = Client("pub");
        await sub.ConnectAsync();
        await pub.ConnectAsync();
        await sub.SubscribeAsync("edgellm/dev/response/#", MqttQualityOfService.AtLeastOnce);
        await _broker.StopAsync();
        await Task.Delay(300);
        var publish = pub.PublishAsync("edgellm/dev/response/r1", "final"u8.ToArray()).AsTask();
        await Task.Delay(300);
        Assert.False(publish.IsCompleted);
        Assert.Equal(1, pub.PendingPublishCount);
        await _broker.StartAgainAsync();
        await publish.WaitAsync(Wait);
        Assert.Equal("final", (await NextAsync(sub)).PayloadAsString());
        Assert.True(pub.IsConnected);
        Assert.Equal(0, pub.PendingPublishCount);
    }

    [Fact]
    public async Task The_outbox_keeps_every_publish_made_while_the_broker_is_down_and_delivers_each_once_in_order()
    {
        var sub = Client("sub");
        var pub = Client("pub");
        await sub.ConnectAsync();
        await pub.ConnectAsync();
        await sub.SubscribeAsync("edgellm/dev/response/#");
        await _broker.StopAsync();
        var publishes = Enumerable.Range(0, 50).Select(i => pub.PublishAsync($"edgellm/dev/response/r{i}", Encoding.UTF8.GetBytes(i.ToString())).AsTask()).ToList();
        await Task.Delay(300);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));
        Assert.Equal(50, pub.PendingPublishCount);
        await _broker.StartAgainAsync();
        await Task.WhenAll(publishes).WaitAsync(Wait);
        Assert.Equal(0, pub.PendingPublishCount);
        var received = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            received.Add((await NextAsync(sub)).PayloadAsString());
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString()), received);
        await Task.Delay(500);
        Assert.False(sub.Messages.TryRead(out var extra), $"sent twice: {extra?.PayloadAsString()}");
    }

    [Fact]
    public async Task A_publish_the_broker_refuses_fails_with_its_reason_and_leaves_the_outbox()
    {
        var pub = Client("pub");
        await pub.ConnectAsync();
        // mosquitto answers a client's publish to $SYS with PUBACK reason code 135 (not authorized).
        var e = await Assert.ThrowsAsync<MqttException>(() => pub.PublishAsync("$SYS/edgellm", "x"u8.ToArray()).AsTask().WaitAsync(Wait));
        Assert.Equal(MqttReasonCode.NotAuthorized, e.ReasonCode);
        Assert.Equal(0, pub.PendingPublishCount);
        Assert.True(pub.IsConnected);
    }

    [Fact]
    public async Task A_publish_made_before_the_first_connect_is_refused_not_queued()
    {
        var client = Client("early");
        var e = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("edgellm/dev/status", "x"u8.ToArray()).AsTask());
        Assert.Contains("not started", e.Message);
    }

    [Fact]
    public async Task User_properties_content_type_and_expiry_survive_the_round_trip()
    {
        var sub = Client("sub");
        var pub = Client("pub");
        await sub.ConnectAsync();
        await pub.ConnectAsync();
        await sub.SubscribeAsync("edgellm/dev/request");
        await pub.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev/request",
            Payload = "{}"u8.ToArray(),
            ContentType = "application/json",
            MessageExpiry = TimeSpan.FromMinutes(5),
            UserProperties = [new("trace", "t-1"), new("trace", "t-2"), new("ünï", "çødé")],
        });
        var received = await NextAsync(sub);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal([new("trace", "t-1"), new("trace", "t-2"), new("ünï", "çødé")], received.UserProperties);
        Assert.NotNull(received.MessageExpiry);
        Assert.InRange(received.MessageExpiry!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Over_mqtt_3_1_1_a_persistent_session_and_retained_messages_work_and_v5_properties_are_left_out()
    {
        var service = Client("v311-service", o => o.Protocol = MqttProtocol.V311);
        await service.ConnectAsync();
        await service.SubscribeAsync("edgellm/dev/request");
        await service.DisconnectAsync();
        var sensor = Client("v311-sensor", o => o.Protocol = MqttProtocol.V311);
        await sensor.ConnectAsync();
        await sensor.PublishAsync(new MqttMessage
        {
            Topic = "edgellm/dev/request",
            Payload = "while-down"u8.ToArray(),
            ResponseTopic = "replies/x",
            CorrelationData = new byte[] { 1 },
        });
        await service.ConnectAsync();
        var received = await NextAsync(service);
        Assert.Equal("while-down", received.PayloadAsString());
        Assert.Null(received.ResponseTopic);
        Assert.True(received.CorrelationData.IsEmpty);
        await service.PublishAsync("edgellm/dev/status", "{\"state\":\"online\"}"u8.ToArray(), retain: true);
        var late = Client("v311-late", o => { o.Protocol = MqttProtocol.V311; o.CleanStart = true; });
        await late.ConnectAsync();
        await late.SubscribeAsync("edgellm/dev/status");
        Assert.True((await NextAsync(late)).Retain);
    }

    [Fact]
    public async Task A_dropped_connection_without_disconnect_fires_the_retained_last_will()
    {
        var watcher = Client("watcher");
        await watcher.ConnectAsync();
        await watcher.SubscribeAsync("edgellm/+/status");
        var dying = Client("dying", o => o.LastWill = new MqttMessage { Topic = "edgellm/dying/status", Payload = "{\"state\":\"offline\"}"u8.ToArray(), Retain = true });
        await dying.ConnectAsync();
        // DISCONNECT with reason 4 asks the broker to publish the Will, as a crash would.
        await dying.DisconnectAsync(publishWill: true);
        var will = await NextAsync(watcher, "edgellm/dying/status");
        Assert.Equal("{\"state\":\"offline\"}", will.PayloadAsString());
        var late = Client("late", o => o.CleanStart = true);
        await late.ConnectAsync();
        await late.SubscribeAsync("edgellm/dying/status");
        var retained = await NextAsync(late);
        Assert.True(retained.Retain);
        Assert.Equal("{\"state\":\"offline\"}", retained.PayloadAsString());
    }

    [Fact]
    public async Task The_connect_carries_the_keepalive_and_its_pings_keep_an_idle_client_connected()
    {
        var client = Client("idle-keepalive");
        var states = new List<MqttConnectionState>();
        client.ConnectionChanged += (_, e) =>
        {
            lock (states)
            {
                states.Add(e.State);
            }
        };
        await client.ConnectAsync();
        // MQTTnet's own keepalive is off (KeepAliveChannelAdapter): the broker must still see the 5 s of the options.
        Assert.Matches(@"as idle-keepalive \(p\d, c\d, k5\)", _broker.ReadLog());
        // Mosquitto drops a client that sends nothing for one and a half keepalives (7.5 s).
        await Task.Delay(TimeSpan.FromSeconds(9));
        Assert.True(client.IsConnected);
        lock (states)
        {
            Assert.DoesNotContain(MqttConnectionState.Reconnecting, states);
        }
    }

    [Fact]
    public async Task Large_payloads_and_bursts_arrive_whole_and_in_full()
    {
        var sub = Client("sub");
        var pub = Client("pub");
        await sub.ConnectAsync();
        await pub.ConnectAsync();
        await sub.SubscribeAsync("burst/#");
        var big = new byte[64 * 1024 + 7];
        Random.Shared.NextBytes(big);
        await pub.PublishAsync("burst/big", big);
        Assert.Equal(big, (await NextAsync(sub)).Payload.ToArray());
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => pub.PublishAsync($"burst/{i}", Encoding.UTF8.GetBytes(i.ToString())).AsTask()));
        var got = new HashSet<string>();
        while (got.Count < 1000)
        {
            got.Add((await NextAsync(sub)).PayloadAsString());
        }
        Assert.Equal(1000, got.Count);
    }
}
