using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// <c>fleet status --json</c>: one JSON object per snapshot,
/// <c>{"broker","root","devices":[{"device","state","model","model_version","runtime_version","execution_provider",
/// "device_profile","since","last_seen","ota":{"model","version","phase","progress","error","code"[,"downloaded_bytes","reused_bytes"]}|null}],
/// "rollouts":[{"model","version","devices","active","in_progress","rejected","rolled_back","not_in_rollout"}]}</c>.
/// </summary>
internal static class FleetJson
{
    public static string Write(FleetView view, FleetBrokerOptions broker, FleetTopics topics)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("broker", broker.ToString());
            w.WriteString("root", topics.Root);
            w.WriteStartArray("devices");
            foreach (var d in view.Devices)
            {
                w.WriteStartObject();
                w.WriteString("device", d.Id);
                StringOrNull(w, "state", d.State);
                StringOrNull(w, "model", d.Model);
                StringOrNull(w, "model_version", d.ModelVersion);
                StringOrNull(w, "runtime_version", d.RuntimeVersion);
                StringOrNull(w, "execution_provider", d.ExecutionProvider);
                StringOrNull(w, "device_profile", d.Profile);
                StringOrNull(w, "since", Time(d.Since));
                StringOrNull(w, "last_seen", Time(d.LastSeen));
                if (d.Ota is { } ota)
                {
                    w.WriteStartObject("ota");
                    w.WriteString("model", ota.Model);
                    w.WriteString("version", ota.Version);
                    w.WriteString("phase", ota.Phase);
                    w.WriteNumber("progress", ota.Progress);
                    StringOrNull(w, "error", ota.Error);
                    StringOrNull(w, "code", ota.ErrorCode);
                    if (ota.DownloadedBytes is { } downloaded)
                    {
                        w.WriteNumber("downloaded_bytes", downloaded);
                        w.WriteNumber("reused_bytes", ota.ReusedBytes ?? 0);
                    }

                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("ota");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("rollouts");
            foreach (var r in view.Rollouts)
            {
                w.WriteStartObject();
                w.WriteString("model", r.Model);
                w.WriteString("version", r.Version);
                w.WriteNumber("devices", r.Devices);
                w.WriteNumber("active", r.Active);
                w.WriteNumber("in_progress", r.InProgress);
                w.WriteNumber("rejected", r.Rejected);
                w.WriteNumber("rolled_back", r.RolledBack);
                w.WriteNumber("not_in_rollout", r.NotInRollout);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static void StringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
