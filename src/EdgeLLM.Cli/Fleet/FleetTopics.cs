using EdgeLLM.Mqtt.Topics;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// The fleet's topics under one root (contract section 2): where manifests are published
/// (<c>{root}/{device}/ota</c>, <c>{root}/fleet/{group}/ota</c>) and what devices publish (<c>{root}/{device}/status</c>,
/// <c>{root}/{device}/ota/status</c>, <c>{root}/{device}/telemetry</c>).
/// </summary>
internal sealed class FleetTopics
{
    /// <summary>The service's default <c>EdgeLLM:Mqtt:TopicRoot</c>.</summary>
    public const string DefaultRoot = "edgellm";

    private const string FleetLevel = "fleet";

    /// <exception cref="FormatException">The root has wildcards or starts with '$', which no device publishes under.</exception>
    public FleetTopics(string root)
    {
        if (string.IsNullOrWhiteSpace(root) || root.IndexOfAny(['+', '#', '\0']) >= 0 || root.StartsWith('$') || root.EndsWith('/'))
        {
            throw new FormatException($"--root '{root}' must be a topic without wildcards, not starting with '$' or ending with '/'");
        }

        Root = root;
    }

    public string Root { get; }

    /// <summary>Retained device statuses.</summary>
    public string StatusFilter => $"{Root}/+/status";

    /// <summary>Retained OTA statuses.</summary>
    public string OtaStatusFilter => $"{Root}/+/ota/status";

    /// <summary>Periodic telemetry (not retained): proof of life while watching.</summary>
    public string TelemetryFilter => $"{Root}/+/telemetry";

    /// <summary>The manifest topic of one device.</summary>
    /// <exception cref="FormatException">Not a device id (<c>[A-Za-z0-9_-]</c>, one topic level).</exception>
    public string DeviceOta(string deviceId) => $"{Root}/{Level(deviceId, "--device")}/ota";

    /// <summary>The manifest topic of a group (devices subscribe to their <c>EdgeLLM:Ota:Group</c>'s).</summary>
    /// <exception cref="FormatException">Not a group name (<c>[A-Za-z0-9_-]</c>, at most 64).</exception>
    public string GroupOta(string group) => $"{Root}/{FleetLevel}/{Level(group, "--group", maxLength: 64)}/ota";

    /// <summary>A topic only this client uses, to learn when the broker has sent every retained message (see <see cref="FleetConnection"/>).</summary>
    public string SyncTopic(string clientId) => $"{Root}/_edgellm-cli/{clientId}/sync";

    /// <summary>Which device a received topic belongs to and what it carries; null for anything else.</summary>
    public (string DeviceId, FleetTopicKind Kind)? Classify(string topic)
    {
        if (!topic.StartsWith(Root, StringComparison.Ordinal) || topic.Length <= Root.Length + 1 || topic[Root.Length] != '/')
        {
            return null;
        }

        var rest = topic.AsSpan(Root.Length + 1);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var device = rest[..slash].ToString();
        var kind = rest[(slash + 1)..] switch
        {
            "status" => FleetTopicKind.Status,
            "ota/status" => FleetTopicKind.OtaStatus,
            "telemetry" => FleetTopicKind.Telemetry,
            _ => (FleetTopicKind?)null,
        };
        return kind is { } k && device != FleetLevel ? (device, k) : null;
    }

    private static string Level(string value, string option, int maxLength = 128)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new FormatException($"{option} '{value}' must be 1 to {maxLength} of [A-Za-z0-9_-] (it is one MQTT topic level)");
        }

        return value;
    }
}
