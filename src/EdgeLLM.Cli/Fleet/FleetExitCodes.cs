namespace EdgeLLM.Cli.Fleet;

/// <summary>Exit codes of the operator commands that talk to the broker (<c>ota publish</c>, <c>fleet status</c>).</summary>
internal static class FleetExitCodes
{
    public const int Ok = 0;

    /// <summary>The manifest is invalid or its signature does not verify against the given key: nothing was published.</summary>
    public const int NotVerified = 1;

    /// <summary>Bad usage: options that do not go together, a bad broker address, a missing file.</summary>
    public const int Usage = 2;

    /// <summary>The broker could not be reached or refused the connection, publication or subscription.</summary>
    public const int Broker = 4;

    /// <summary>Interrupted with Ctrl-C before finishing (<c>--watch</c> ends this way with 0 instead).</summary>
    public const int Cancelled = 130;
}
