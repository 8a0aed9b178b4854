using EdgeLLM.Cli.Fleet;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// The test's own eyes on the broker (the same connection and view code as <c>fleet status --watch</c>): waits until
/// the fleet's statuses satisfy a condition, event by event, and fails with what it saw when they do not in time.
/// </summary>
internal sealed class FleetWatcher : IAsyncDisposable
{
    private readonly FleetConnection _connection;

    private FleetWatcher(FleetConnection connection, FleetView view)
    {
        _connection = connection;
        View = view;
    }

    public FleetView View { get; }

    public static async Task<FleetWatcher> StartAsync(string host, int port)
    {
        var topics = new FleetTopics(FleetTopics.DefaultRoot);
        var connection = await FleetConnection.ConnectAsync(new FleetBrokerOptions { Host = host, Port = port }, topics, CancellationToken.None);
        await connection.SubscribeAsync([topics.StatusFilter, topics.OtaStatusFilter], CancellationToken.None);
        return new FleetWatcher(connection, new FleetView(topics));
    }

    public async Task WaitUntilAsync(Func<FleetView, bool> condition, string what, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            while (!condition(View))
            {
                View.Apply(await _connection.Messages.ReadAsync(limit.Token));
            }
        }
        catch (OperationCanceledException)
        {
            var seen = string.Join("\n", View.Devices.Select(d => $"{d.Id}: {d.State} {d.Model}@{d.ModelVersion} ota={d.Ota}"));
            throw new TimeoutException($"{what}: not within {timeout}. Last seen:\n{seen}");
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
