using System.CommandLine;
using EdgeLLM.Cli.Common;
using Spectre.Console;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// <c>edgellm fleet status --broker HOST[:PORT] [--root R] [--watch] [--json] [--timeout S]</c> plus the broker's TLS and
/// user options: reads the retained <c>{root}/+/status</c> and <c>{root}/+/ota/status</c> and shows one row per device
/// and one summary line per rollout. Without <c>--watch</c> it prints the broker's retained state once and exits;
/// with it the table stays live (telemetry updates "last seen") until Ctrl-C, and <c>--json</c> then prints one JSON
/// line per change.
/// </summary>
internal static class FleetStatusCommand
{
    public static Command Create()
    {
        var watch = new Option<bool>("--watch") { Description = "Keep the view live until Ctrl-C" };
        var json = CommonOptions.Json("One JSON object (per change with --watch) instead of the table");
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the broker's retained messages before showing what arrived",
            DefaultValueFactory = _ => 10,
        };
        var broker = new FleetBrokerCliOptions();
        var command = new Command("status", "One row per device (state, model, version, profile, OTA phase and progress, error, last seen) and a line per rollout.")
        {
            watch, json, timeout,
        };
        broker.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            FleetBrokerOptions options;
            FleetTopics topics;
            try
            {
                (options, topics) = broker.Read(parse);
                if (parse.GetValue(timeout) is not (> 0 and <= 3600))
                {
                    throw new FormatException("--timeout must be more than 0 and at most 3600 seconds");
                }
            }
            catch (FormatException e)
            {
                await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return FleetExitCodes.Usage;
            }

            var view = new FleetView(topics);
            var asJson = parse.GetValue(json);
            return await FleetBrokerErrors.RunAsync(console.Error, async () =>
            {
                await using var connection = await FleetConnection.ConnectAsync(options, topics, cancellationToken).ConfigureAwait(false);
                var watching = parse.GetValue(watch);
                await connection.SubscribeAsync(watching ? [topics.StatusFilter, topics.OtaStatusFilter, topics.TelemetryFilter] : [topics.StatusFilter, topics.OtaStatusFilter],
                    cancellationToken).ConfigureAwait(false);
                if (!await ReadRetainedAsync(connection, view, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken).ConfigureAwait(false))
                {
                    await console.Error.WriteLineAsync($"warning: the broker did not confirm the end of its retained messages within {parse.GetValue(timeout)} s; showing what arrived").ConfigureAwait(false);
                }

                if (!watching)
                {
                    await WriteOnceAsync(console.Output, view, options, topics, asJson).ConfigureAwait(false);
                    return FleetExitCodes.Ok;
                }

                await WatchAsync(console.Output, connection, view, options, topics, asJson, cancellationToken).ConfigureAwait(false);
                return FleetExitCodes.Ok;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Takes in everything the broker holds retained; false when it did not confirm the end in time.</summary>
    private static async Task<bool> ReadRetainedAsync(FleetConnection connection, FleetView view, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var confirmed = true;
        try
        {
            await connection.SyncAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            confirmed = false;
        }

        while (connection.Messages.TryRead(out var message))
        {
            view.Apply(message);
        }

        return confirmed;
    }

    private static async Task WriteOnceAsync(TextWriter output, FleetView view, FleetBrokerOptions options, FleetTopics topics, bool asJson)
    {
        if (asJson)
        {
            await output.WriteLineAsync(FleetJson.Write(view, options, topics)).ConfigureAwait(false);
        }
        else
        {
            CliConsole.For(output).Write(FleetTable.Render(view, options, topics, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>Until Ctrl-C (or the broker going away): every change re-renders the live table, or prints a JSON line.</summary>
    private static async Task WatchAsync(
        TextWriter output, FleetConnection connection, FleetView view, FleetBrokerOptions options, FleetTopics topics, bool asJson, CancellationToken cancellationToken)
    {
        try
        {
            if (asJson)
            {
                await output.WriteLineAsync(FleetJson.Write(view, options, topics)).ConfigureAwait(false);
                await foreach (var message in connection.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (view.Apply(message))
                    {
                        await output.WriteLineAsync(FleetJson.Write(view, options, topics)).ConfigureAwait(false);
                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                return;
            }

            var console = ReferenceEquals(output, Console.Out) ? AnsiConsole.Console : CliConsole.For(output);
            await console.Live(FleetTable.Render(view, options, topics, DateTimeOffset.UtcNow)).StartAsync(async live =>
            {
                await foreach (var message in connection.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (view.Apply(message))
                    {
                        live.UpdateTarget(FleetTable.Render(view, options, topics, DateTimeOffset.UtcNow));
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends.
        }
    }
}
