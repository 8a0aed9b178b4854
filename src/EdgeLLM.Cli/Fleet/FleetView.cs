namespace EdgeLLM.Cli.Fleet;

/// <summary>The fleet as the broker's messages describe it, one <see cref="FleetDevice"/> per device id.</summary>
internal sealed class FleetView(FleetTopics topics)
{
    private readonly SortedDictionary<string, FleetDevice> _devices = new(StringComparer.Ordinal);

    /// <summary>The devices, ordered by id.</summary>
    public IReadOnlyCollection<FleetDevice> Devices => _devices.Values;

    /// <summary>The rollouts the devices reported on.</summary>
    public IReadOnlyList<RolloutSummary> Rollouts => RolloutSummary.From(_devices.Values);

    /// <summary>Takes in one message; false when it is not about a device (another topic, or nothing changed).</summary>
    public bool Apply(FleetMessage message)
    {
        if (topics.Classify(message.Topic) is not var (id, kind))
        {
            return false;
        }

        var known = _devices.TryGetValue(id, out var device);
        device ??= new FleetDevice(id);
        var updated = kind switch
        {
            FleetTopicKind.Status => device.WithStatus(message.Payload.Span),
            FleetTopicKind.OtaStatus => device with { Ota = message.Payload.IsEmpty ? null : FleetOtaStatus.Parse(message.Payload.Span) ?? device.Ota },
            _ => device,
        };
        if (!message.Retained)
        {
            updated = updated with { LastLive = message.ReceivedAt };
        }

        if (known && updated == device)
        {
            return false;
        }

        _devices[id] = updated;
        return true;
    }
}
