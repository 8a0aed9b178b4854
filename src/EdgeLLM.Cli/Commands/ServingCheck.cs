using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving.Configuration;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>doctor</c>'s serving check: the model loaded as <c>serve</c> would load it, to say which executor and provider
/// really serve it and why (each provider that could not be used, a GenAI plan served by EdgeLLM's own executor).
/// A profile's list only says what is asked for; loading is what finds a library missing.
/// </summary>
internal sealed class ServingCheck
{
    private ServingCheck(string? model, ExecutorChoice? choice, string? error)
    {
        Model = model;
        Choice = choice;
        Error = error;
    }

    public string? Model { get; }

    public ExecutorChoice? Choice { get; }

    public string? Error { get; }

    /// <summary>Loads the configured model under <paramref name="settings"/> and tells what serves it.</summary>
    public static async Task<ServingCheck> RunAsync(EdgeLLMOptions settings)
    {
        try
        {
            var session = EngineSession.Open(settings.Model, new EngineOptions { MaxBatchSize = 1, PrefixCacheBytes = 0 }, settings: settings);
            await using (session.ConfigureAwait(false))
            {
                return new ServingCheck(session.Model.Identity.Id, session.Choice, null);
            }
        }
        catch (CliException e)
        {
            return new ServingCheck(settings.Model, null, e.Message);
        }
    }

    public void WriteText(TextWriter o)
    {
        if (Choice is not { } c)
        {
            o.WriteLine($"Serving: cannot load {Model ?? "the default model"}: {Error}");
            return;
        }
        o.WriteLine($"Serving: {Model} on executor {ExecutorKinds.ToName(c.Kind)}, provider {c.Provider}" +
            (c.FallbackReason is null ? "" : $" (asked for {ExecutorKinds.ToName(c.Requested)}: {c.FallbackReason})"));
        foreach (var a in c.ProviderAttempts)
        {
            o.WriteLine($"  {(a.Chosen ? "->" : "  ")} {a.Provider}{(a.Reason is null ? "" : $": {a.Reason}")}");
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("serving");
        w.WriteString("model", Model);
        w.WriteString("error", Error);
        if (Choice is { } c)
        {
            w.WriteString("executor", ExecutorKinds.ToName(c.Kind));
            w.WriteString("requested_executor", ExecutorKinds.ToName(c.Requested));
            w.WriteString("executor_fallback_reason", c.FallbackReason);
            w.WriteString("provider", c.Provider);
            w.WriteStartArray("provider_attempts");
            foreach (var a in c.ProviderAttempts)
            {
                w.WriteStartObject();
                w.WriteString("provider", a.Provider);
                w.WriteBoolean("chosen", a.Chosen);
                w.WriteString("reason", a.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
