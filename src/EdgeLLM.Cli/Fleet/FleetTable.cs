using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeLLM.Cli.Fleet;

/// <summary>The human view of <c>fleet status</c>: a table with one row per device, then one summary line per rollout.</summary>
internal static class FleetTable
{
    public static IRenderable Render(FleetView view, FleetBrokerOptions broker, FleetTopics topics, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(topics.Root)} on {Markup.Escape(broker.ToString())}, {now.ToUniversalTime():HH:mm:ss} UTC");
        foreach (var column in new[] { "DEVICE", "STATE", "MODEL", "VERSION", "PROFILE", "OTA", "PHASE", "PROGRESS", "ERROR", "LAST SEEN" })
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }

        foreach (var d in view.Devices)
        {
            var ota = d.Ota;
            table.AddRow(
                Cell(d.Id), State(d.State), Cell(d.Model), Cell(d.ModelVersion), Cell(d.Profile),
                Cell(ota is null ? null : $"{ota.Model}@{ota.Version}"), Phase(ota),
                Cell(ota is null ? null : ota.Progress.ToString("P0", CultureInfo.InvariantCulture)),
                Cell(ota?.Error), Cell(d.LastSeen is { } seen ? Ago(now - seen) : null));
        }

        var lines = new List<IRenderable> { table };
        if (view.Devices.Count == 0)
        {
            lines.Add(new Text($"no device has published under {topics.Root}/ yet"));
        }

        lines.AddRange(view.Rollouts.Select(r => new Text(r.ToString())));
        return new Rows(lines);
    }

    private static Markup Cell(string? text) => new(text is null ? "[grey]-[/]" : Markup.Escape(text));

    private static Markup State(string? state) => new(state switch
    {
        null => "[grey]-[/]",
        "online" => "[green]online[/]",
        "updating" => "[yellow]updating[/]",
        _ => $"[red]{Markup.Escape(state)}[/]",
    });

    private static Markup Phase(FleetOtaStatus? ota) => new(ota switch
    {
        null => "[grey]-[/]",
        { Phase: "active" } => "[green]active[/]",
        { NotInRollout: true } => "[grey]not in rollout[/]",
        { InProgress: true } => $"[yellow]{Markup.Escape(ota.Phase)}[/]",
        _ => $"[red]{Markup.Escape(ota.Phase)}[/]",
    });

    private static string Ago(TimeSpan age) => age < TimeSpan.Zero ? "now" : age.TotalSeconds switch
    {
        < 60 => $"{(int)age.TotalSeconds} s ago",
        < 3600 => $"{(int)age.TotalMinutes} min ago",
        < 86400 => $"{(int)age.TotalHours} h ago",
        _ => $"{(int)age.TotalDays} d ago",
    };
}
