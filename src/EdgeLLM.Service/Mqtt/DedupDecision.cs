namespace EdgeLLM.Service.Mqtt;

/// <summary>How <see cref="DedupStore.Begin"/> says to treat a request.</summary>
public enum DedupDecision
{
    /// <summary>New: run it.</summary>
    Run,

    /// <summary>Answered within the window: publish the stored final again.</summary>
    Replay,

    /// <summary>The same request is running now; its final will answer both deliveries.</summary>
    AlreadyRunning,
}
