namespace EdgeLLM.Mqtt.Topics;

/// <summary>
/// The topics of EdgeLLM's MQTT contract (section 2) for one device: what it subscribes to and where it publishes.
/// </summary>
public sealed class TopicNames
{
    /// <summary>The contract's default topic root.</summary>
    public const string DefaultRoot = "edgellm";

    /// <summary>
    /// Topics under <paramref name="root"/> (one or more levels, no wildcards, not starting or ending with <c>/</c>) for
    /// <paramref name="deviceId"/> (see <see cref="Topics.DeviceId"/>); <paramref name="pool"/>, when set, adds the
    /// load-balanced pool subscription.
    /// </summary>
    /// <exception cref="ArgumentException">The root, device id or pool is not usable in a topic.</exception>
    public TopicNames(string root, string deviceId, string? pool = null)
    {
        MqttTopic.ValidateName(root, nameof(root));
        if (root.StartsWith('/') || root.EndsWith('/') || root.StartsWith('$'))
        {
            throw new ArgumentException($"Topic root '{root}' must not start or end with '/' nor start with '$'.", nameof(root));
        }
        if (!Topics.DeviceId.IsValid(deviceId))
        {
            throw new ArgumentException($"Device id '{deviceId}' must be a non-empty string of [A-Za-z0-9_-].", nameof(deviceId));
        }
        if (pool is not null)
        {
            ValidateLevel(pool, nameof(pool), "Pool");
        }
        Root = root;
        DeviceId = deviceId;
        Pool = pool;
        DevicePrefix = $"{root}/{deviceId}";
        Request = $"{DevicePrefix}/request";
        Ota = $"{DevicePrefix}/ota";
        Status = $"{DevicePrefix}/status";
        Telemetry = $"{DevicePrefix}/telemetry";
        OtaStatus = $"{DevicePrefix}/ota/status";
        ResponseError = $"{DevicePrefix}/response/error";
        PoolRequest = pool is null ? null : $"{root}/pool/{pool}/request";
        PoolRequestSubscription = pool is null ? null : $"{MqttTopic.SharePrefix}{pool}/{PoolRequest}";
    }

    /// <summary>The topic root, e.g. <c>edgellm</c>.</summary>
    public string Root { get; }

    /// <summary>This device's id.</summary>
    public string DeviceId { get; }

    /// <summary>The pool this device serves, or null.</summary>
    public string? Pool { get; }

    /// <summary><c>{root}/{device}</c>.</summary>
    public string DevicePrefix { get; }

    /// <summary><c>{root}/{device}/request</c>: prompts addressed to this device (subscribed at QoS 1).</summary>
    public string Request { get; }

    /// <summary><c>{root}/pool/{pool}/request</c>: where requesters publish pool requests; null without a pool.</summary>
    public string? PoolRequest { get; }

    /// <summary><c>$share/{pool}/{root}/pool/{pool}/request</c>: the shared subscription; null without a pool.</summary>
    public string? PoolRequestSubscription { get; }

    /// <summary><c>{root}/{device}/ota</c>: OTA manifests for this device (retained).</summary>
    public string Ota { get; }

    /// <summary><c>{root}/{device}/status</c>: retained status; also the Last Will's topic.</summary>
    public string Status { get; }

    /// <summary><c>{root}/{device}/telemetry</c>: periodic telemetry (not retained).</summary>
    public string Telemetry { get; }

    /// <summary><c>{root}/{device}/ota/status</c>: OTA progress (retained).</summary>
    public string OtaStatus { get; }

    /// <summary><c>{root}/{device}/response/error</c>: error finals for payloads that carry no usable id.</summary>
    public string ResponseError { get; }

    /// <summary><c>{root}/fleet/{group}/ota</c>: OTA manifests for a fleet group (retained).</summary>
    /// <exception cref="ArgumentException"><paramref name="group"/> is not a single topic level without wildcards.</exception>
    public string FleetOta(string group)
    {
        ValidateLevel(group, nameof(group), "Fleet group");
        return $"{Root}/fleet/{group}/ota";
    }

    /// <summary>
    /// <c>{root}/{device}/response/{id}</c>: the default reply topic for request <paramref name="requestId"/>. An id may
    /// contain <c>/</c> (the topic simply gets more levels) but not <c>+</c>, <c>#</c> or characters MQTT rejects.
    /// </summary>
    /// <exception cref="ArgumentException">The id cannot be part of a topic name.</exception>
    public string Response(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        string topic = $"{DevicePrefix}/response/{requestId}";
        MqttTopic.ValidateName(topic, nameof(requestId));
        return topic;
    }

    private static void ValidateLevel(string value, string paramName, string what)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny('/', '+', '#') >= 0 || !MqttTopic.IsValidName(value, out _))
        {
            throw new ArgumentException($"{what} '{value}' must be one non-empty topic level (no '/', '+' or '#').", paramName);
        }
    }
}
