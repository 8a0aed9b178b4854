using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Mqtt.Messages;
using EdgeLLM.Service.Tests.Fuzz;

namespace EdgeLLM.Soak;

/// <summary>
/// The load: every tick, a request alternately over REST and MQTT, a share of them hostile. Over MQTT each request
/// carries a Response Topic under <c>soak/</c> and its number as Correlation Data, so each final is matched to its
/// request; over REST the response is the final. Counts requests sent, finals received and duplicates.
/// </summary>
internal sealed class SoakRun(SoakOptions options, MqttConnection mqtt, HttpClient http) : IDisposable
{
    private static readonly string[] Prompts = ["report the status of", "turn on the lights", "what is the temperature", "open the garage door"];
    private readonly Random _random = new(options.Seed);
    private readonly HostilePayloads _hostile = new(new Random(options.Seed + 1), 65536);
    private readonly ConcurrentDictionary<long, int> _mqttFinals = new();
    private readonly ConcurrentDictionary<Task, bool> _rest = new();
    private long _sent, _restFinals, _restFailures, _hostileSent, _next;

    public long Sent => Interlocked.Read(ref _sent);

    public long HostileSent => Interlocked.Read(ref _hostileSent);

    public long Finals => Interlocked.Read(ref _restFinals) + _mqttFinals.Count;

    public long Duplicates => _mqttFinals.Values.Sum(n => n - 1L);

    public long RestFailures => Interlocked.Read(ref _restFailures);

    /// <summary>Counts an MQTT final (a message with <c>done</c>) carrying one of this run's Correlation Data.</summary>
    public void OnMessage(MqttMessage message)
    {
        if (!message.Topic.StartsWith("soak/", StringComparison.Ordinal) || message.CorrelationData.Length != 8)
        {
            return;
        }
        if (message.PayloadAsString().Contains("\"done\":true", StringComparison.Ordinal))
        {
            _mqttFinals.AddOrUpdate(BinaryPrimitives.ReadInt64BigEndian(message.CorrelationData.Span), 1, (_, n) => n + 1);
        }
    }

    public async Task DriveAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.Rate));
        var end = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < end && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var n = Interlocked.Increment(ref _next);
            var hostile = _random.NextDouble() < options.Hostile;
            if (hostile)
            {
                Interlocked.Increment(ref _hostileSent);
            }
            Interlocked.Increment(ref _sent);
            // While the service restarts, only MQTT requests are promised a final (the persistent session holds them).
            if (n % 2 == 0 || options.RestartEvery is not null)
            {
                await SendMqttAsync(n, hostile ? _hostile.Mqtt($"soak-{n}", null) : Valid($"soak-{n}"));
            }
            else
            {
                var chat = n % 4 == 1;
                var body = hostile ? _hostile.Rest(chat) : Valid(null, chat);
                var task = SendRestAsync(chat, body);
                _rest[task] = true;
                _ = task.ContinueWith(t => _rest.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
    }

    /// <summary>Waits until every request has its final or <paramref name="timeout"/> passes.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        await Task.WhenAll(_rest.Keys).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (Finals < Sent && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    public void Dispose() => http.Dispose();

    private byte[] Valid(string? id, bool chat = false)
    {
        var prompt = Prompts[_random.Next(Prompts.Length)];
        object body = chat
            ? new { id, messages = new[] { new { role = "user", content = prompt } }, max_tokens = _random.Next(4, 17), stream = _random.Next(4) == 0 }
            : new { id, prompt, max_tokens = _random.Next(4, 17), stream = _random.Next(4) == 0, temperature = 0.7, seed = _random.Next() };
        return JsonSerializer.SerializeToUtf8Bytes(body, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
    }

    private async Task SendMqttAsync(long n, byte[] payload)
    {
        var correlation = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(correlation, n);
        await mqtt.PublishAsync(new MqttMessage
        {
            Topic = $"{options.Root}/{options.Device}/request",
            Payload = payload,
            ResponseTopic = "soak/replies",
            CorrelationData = correlation,
        });
    }

    private async Task SendRestAsync(bool chat, byte[] body)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync(chat ? "v1/chat/completions" : "v1/completions", content);
            var text = await response.Content.ReadAsStringAsync();
            var final = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal)
                : text.Contains("\"choices\"", StringComparison.Ordinal) || text.Contains("\"code\"", StringComparison.Ordinal);
            Interlocked.Increment(ref final ? ref _restFinals : ref _restFailures);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _restFailures);
        }
    }
}
