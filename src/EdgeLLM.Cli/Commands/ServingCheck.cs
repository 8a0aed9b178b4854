using System.Text.Json;
using EdgeLLM.Cli.Bench;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Serving.Configuration;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>doctor</c>'s serving check: the model loaded exactly as <c>serve</c> would load it (the profile's budgets and
/// batch), to say which executor and provider really serve it and why (each provider that could not be used, a GenAI
/// plan served by EdgeLLM's own executor), and what it costs in memory, part by part. A profile's list only says what
/// is asked for; loading is what finds a library missing or a budget too small.
/// </summary>
internal sealed class ServingCheck
{
    private ServingCheck(string? model, ExecutorChoice? choice, ModelFootprint? footprint, string? error, string? prepackedWeights = null)
    {
        Model = model;
        Choice = choice;
        Footprint = footprint;
        Error = error;
        PrepackedWeights = prepackedWeights;
    }

    public string? Model { get; }

    public ExecutorChoice? Choice { get; }

    /// <summary>The measured footprint: of the served model, or of a model the budget refused (null when it did not load
    /// far enough to be measured).</summary>
    public ModelFootprint? Footprint { get; }

    public string? Error { get; }

    /// <summary>Where EdgeLLM's decoder got its prepacked weights (mapped, saved, or why neither); null without one.</summary>
    public string? PrepackedWeights { get; }

    /// <summary>Loads the configured model under <paramref name="settings"/> and tells what serves it and what it costs.</summary>
    public static async Task<ServingCheck> RunAsync(EdgeLLMOptions settings)
    {
        try
        {
            var session = EngineSession.OpenAsServed(settings);
            await using (session.ConfigureAwait(false))
            {
                return new ServingCheck(session.Model.Identity.Id, session.Choice, session.Footprint, null, session.Model.PrepackedWeights);
            }
        }
        catch (CliException e)
        {
            return new ServingCheck(settings.Model, null, (e.InnerException?.InnerException as MemoryBudgetException)?.Footprint, e.Message);
        }
    }

    public void WriteText(TextWriter o)
    {
        if (Choice is not { } c)
        {
            o.WriteLine($"Serving: cannot load {Model ?? "the default model"}: {Error}");
        }
        else
        {
            o.WriteLine($"Serving: {Model} on executor {ExecutorKinds.ToName(c.Kind)}, provider {c.Provider}" +
                (c.FallbackReason is null ? "" : $" (asked for {ExecutorKinds.ToName(c.Requested)}: {c.FallbackReason})"));
            foreach (var a in c.ProviderAttempts)
            {
                o.WriteLine($"  {(a.Chosen ? "->" : "  ")} {a.Provider}{(a.Reason is null ? "" : $": {a.Reason}")}");
            }
            if (PrepackedWeights is { } prepacked)
            {
                o.WriteLine($"  decoder weights: {prepacked}");
            }
        }
        if (Footprint is { } f)
        {
            FootprintText.Write(o, f);
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
            w.WriteString("prepacked_weights", PrepackedWeights);
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
        w.WritePropertyName("memory");
        if (Footprint is { } f)
        {
            JsonSerializer.Serialize(w, f, BenchJson.Default.ModelFootprint);
        }
        else
        {
            w.WriteNullValue();
        }
        w.WriteEndObject();
    }
}
