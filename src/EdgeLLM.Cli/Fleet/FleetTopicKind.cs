namespace EdgeLLM.Cli.Fleet;

/// <summary>What a device publishes on a topic the fleet tools read.</summary>
internal enum FleetTopicKind
{
    /// <summary><c>{root}/{device}/status</c> (retained).</summary>
    Status,

    /// <summary><c>{root}/{device}/ota/status</c> (retained).</summary>
    OtaStatus,

    /// <summary><c>{root}/{device}/telemetry</c> (periodic).</summary>
    Telemetry,
}
