namespace EdgeLLM.Cli.Fleet;

/// <summary>Exit codes of the operator commands that talk to the broker (<c>ota publish</c>, <c>fleet status</c>, <c>fleet rollout</c>, <c>fleet simulate</c>).</summary>
internal static class FleetExitCodes
{
    public const int Ok = 0;

    /// <summary>The manifest is invalid or its signature does not verify against the given key: nothing was published.</summary>
    public const int NotVerified = 1;

    /// <summary>Bad usage: options that do not go together, a bad broker address, a missing file.</summary>
    public const int Usage = 2;

    /// <summary><c>fleet rollout</c>: the rollout was aborted by its gate (or had been, when it was run again).</summary>
    public const int Aborted = 3;

    /// <summary><c>fleet rollout</c>: the plan's <c>end_at</c> passed before the last wave; it stopped widening (not aborted).</summary>
    public const int Expired = 5;

    /// <summary>The broker could not be reached or refused the connection, publication or subscription.</summary>
    public const int Broker = 4;

    /// <summary>Interrupted with Ctrl-C before finishing (<c>--watch</c> ends this way with 0 instead).</summary>
    public const int Cancelled = 130;
}
