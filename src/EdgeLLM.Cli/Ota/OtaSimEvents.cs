using System.Text.Json.Nodes;
using EdgeLLM.Ota;

namespace EdgeLLM.Cli.Ota;

/// <summary>Writes <c>device-sim</c> events as JSON lines, flushed at once (the reader may kill the process any moment).</summary>
internal sealed class OtaSimEvents : IOtaStatusSink, IOtaModelActivator
{
    private readonly TextWriter _output;
    private readonly Lock _lock = new();

    public OtaSimEvents(TextWriter output)
    {
        _output = output;
    }

    public void Write(string name, JsonNode payload)
    {
        var line = new JsonObject { ["event"] = name, ["data"] = payload }.ToJsonString();
        lock (_lock)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    public ValueTask ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
        Write("status", JsonNode.Parse(status.ToJson())!);
        return ValueTask.CompletedTask;
    }

    public Task ActivateAsync(OtaInstalledModel model, CancellationToken cancellationToken)
    {
        Write("activated", new JsonObject { ["Model"] = model.Model, ["Version"] = model.Version, ["Directory"] = model.Directory });
        return Task.CompletedTask;
    }
}
