namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// How a fleet command that talks to the broker ends when the broker fails it or the operator interrupts it: the
/// broker's reason and exit code 4, or exit 130 with nothing to undo (the broker keeps what was published, and a
/// rollout resumes when its command runs again).
/// </summary>
internal static class FleetBrokerErrors
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> session, CancellationToken cancellationToken)
    {
        try
        {
            return await session().ConfigureAwait(false);
        }
        catch (FleetBrokerException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return FleetExitCodes.Broker;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return FleetExitCodes.Cancelled;
        }
    }
}
