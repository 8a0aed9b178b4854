using System.Collections.Concurrent;
using EdgeLLM.Ota;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving;

namespace EdgeLLM.Service.Metrics;

/// <summary>
/// Counters and histograms fed by both transports, and the gauges read at scrape time from the engine, the
/// process, the device and OTA. Rendered for <c>GET /metrics</c>.
/// </summary>
public sealed class ServiceMetrics(ModelHost host, IDeviceReadings device)
{
    private readonly ConcurrentDictionary<(string Transport, string Outcome), long> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new();
    private readonly ConcurrentDictionary<string, Histogram> _ttft = new();
    private long _promptTokens, _completionTokens;
    private volatile OtaStatus? _ota;

    public void RecordCompleted(string transport, GenerationResult result)
    {
        Count(transport, Contract.ResponseWriter.WireFinishReason(result.FinishReason));
        Interlocked.Add(ref _promptTokens, result.Usage.PromptTokens);
        Interlocked.Add(ref _completionTokens, result.Usage.CompletionTokens);
        _latency.GetOrAdd(transport, _ => new Histogram(Histogram.LatencySeconds)).Observe(result.Usage.TotalMs / 1000);
        _ttft.GetOrAdd(transport, _ => new Histogram(Histogram.LatencySeconds)).Observe(result.Usage.TimeToFirstTokenMs / 1000);
    }

    public void RecordFailed(string transport, GenerationErrorCode code) => Count(transport, GenerationException.ToWire(code));

    /// <summary>Counts a request refused under the code its answer carried, where that is not one of the runtime's (REST's <c>model_not_found</c>).</summary>
    public void RecordFailed(string transport, string wireCode) => Count(transport, wireCode);

    public void RecordOta(OtaStatus status) => _ota = status;

    public OtaStatus? LastOta => _ota;

    public long RequestsTotal => _requests.Values.Sum();

    private void Count(string transport, string outcome) => _requests.AddOrUpdate((transport, outcome), 1, static (_, n) => n + 1);

    public string Render()
    {
        var w = new PrometheusWriter();
        w.Family("edgellm_requests_total", "counter", "Requests that ended, by transport and outcome (finish reason or error code).");
        foreach (var ((transport, outcome), n) in _requests.OrderBy(p => p.Key))
        {
            w.Sample("edgellm_requests_total", $"{PrometheusWriter.Label("transport", transport)},{PrometheusWriter.Label("outcome", outcome)}", n);
        }
        w.Family("edgellm_tokens_total", "counter", "Tokens processed, by kind.");
        w.Sample("edgellm_tokens_total", PrometheusWriter.Label("kind", "prompt"), Interlocked.Read(ref _promptTokens));
        w.Sample("edgellm_tokens_total", PrometheusWriter.Label("kind", "completion"), Interlocked.Read(ref _completionTokens));
        WriteHistograms(w, "edgellm_request_duration_seconds", "Time from arrival to the final answer.", _latency);
        WriteHistograms(w, "edgellm_time_to_first_token_seconds", "Time from arrival to the first generated token.", _ttft);
        WriteEngine(w);
        WriteDevice(w);
        WriteOta(w);
        return w.ToString();
    }

    private static void WriteHistograms(PrometheusWriter w, string name, string help, ConcurrentDictionary<string, Histogram> byTransport)
    {
        w.Family(name, "histogram", help);
        foreach (var (transport, histogram) in byTransport.OrderBy(p => p.Key))
        {
            histogram.Write(w, name, PrometheusWriter.Label("transport", transport));
        }
    }

    private void WriteEngine(PrometheusWriter w)
    {
        var current = host.Current;
        var stats = current?.Engine.GetStats();
        w.Single("edgellm_ready", "gauge", "1 while a model is loaded and serving.", host.IsReady ? 1 : 0);
        w.Family("edgellm_model_info", "gauge", "The serving model.");
        if (current is not null)
        {
            var id = current.Model.Identity;
            w.Sample("edgellm_model_info", $"{PrometheusWriter.Label("model", id.Id)},{PrometheusWriter.Label("version", id.Version)},{PrometheusWriter.Label("quantization", id.Quantization)},{PrometheusWriter.Label("execution_provider", current.ExecutionProvider)}", 1);
        }
        // Static batching (GenAI's engine on CPU) makes a request that arrives during a batch wait for all of it.
        w.Family("edgellm_executor_info", "gauge", "The executor serving the model and how it batches (static: late requests wait for the running batch).");
        if (current is not null)
        {
            w.Sample("edgellm_executor_info", $"{PrometheusWriter.Label("executor", ExecutorKinds.ToName(current.Engine.Kind))},{PrometheusWriter.Label("batching", current.Engine.Batching == BatchingMode.Static ? "static" : "continuous")}", 1);
        }
        w.Single("edgellm_queue_depth", "gauge", "Requests waiting for a batch slot.", stats?.Queued ?? 0);
        w.Single("edgellm_in_flight", "gauge", "Requests decoding now.", stats?.InFlight ?? 0);
        w.Single("edgellm_batch_size", "gauge", "Sequences in the last decode step.", stats?.LastBatchSize ?? 0);
        w.Single("edgellm_batch_capacity", "gauge", "Batch slots the KV budget allows.", stats?.BatchCapacity ?? 0);
        w.Single("edgellm_kv_cache_bytes", "gauge", "Bytes allocated for the KV cache.", stats?.KvCacheBytes ?? 0);
        w.Single("edgellm_kv_cache_in_use_bytes", "gauge", "KV cache bytes holding live sequences.", stats?.KvBytesInUse ?? 0);
        w.Single("edgellm_prefix_cache_bytes", "gauge", "Bytes held by the prefix cache.", stats?.PrefixCacheBytes ?? 0);
        w.Single("edgellm_prefix_cache_hits_total", "counter", "Prompts that reused a cached prefix.", stats?.PrefixCacheHits ?? 0);
        w.Single("edgellm_decode_tokens_per_second", "gauge", "Generated tokens per second, recent.", stats?.TokensPerSecond ?? 0);
        w.Single("edgellm_draft_tokens_total", "counter", "Tokens drafted for speculative decoding.", stats?.DraftedTokens ?? 0);
        w.Single("edgellm_draft_accepted_tokens_total", "counter", "Drafted tokens the model accepted.", stats?.AcceptedDraftTokens ?? 0);
        w.Single("edgellm_draft_acceptance_rate", "gauge", "Accepted over drafted tokens since the engine started (0 without drafting).", stats?.DraftAcceptanceRate ?? 0);
        w.Single("edgellm_model_memory_bytes", "gauge", "What the serving model adds to the process at its full batch, measured at load: sessions, tokenizer, reserved KV cache, activations.", current?.MemoryBytes ?? 0);
        w.Single("edgellm_memory_rss_bytes", "gauge", "Resident memory of the process.", ProcessMemory.ResidentBytes());
        w.Single("edgellm_memory_peak_rss_bytes", "gauge", "Peak resident memory of the process.", ProcessMemory.PeakResidentBytes());
        w.Single("edgellm_memory_budget_bytes", "gauge", "The device profile's memory budget (0: none).", host.Plan.MemoryBudgetBytes);
    }

    private void WriteDevice(PrometheusWriter w)
    {
        w.Family("edgellm_energy_joules_total", "counter", "Energy the device used since the service started.");
        w.Sample("edgellm_energy_joules_total", PrometheusWriter.Label("source", device.EnergySource), device.EnergyJoulesTotal);
        if (device.PowerWatts is { } watts)
        {
            w.Single("edgellm_power_watts", "gauge", "Power draw now.", watts);
        }
        if (device.TemperatureCelsius is { } celsius)
        {
            w.Single("edgellm_temperature_celsius", "gauge", "The hottest watched thermal zone.", celsius);
        }
        if (device.EnergyBudgetRemainingJoules is { } left)
        {
            w.Single("edgellm_energy_budget_remaining_joules", "gauge", "Joules left in the rolling energy budget.", left);
        }
        w.Family("edgellm_thermal_state", "gauge", "1 for the current thermal state.");
        foreach (var state in new[] { "normal", "throttled", "paused" })
        {
            w.Sample("edgellm_thermal_state", PrometheusWriter.Label("state", state), state == device.ThermalState ? 1 : 0);
        }
    }

    private void WriteOta(PrometheusWriter w)
    {
        w.Family("edgellm_ota_phase", "gauge", "1 for the phase of the last OTA update.");
        if (_ota is { } ota)
        {
            w.Sample("edgellm_ota_phase", $"{PrometheusWriter.Label("model", ota.Model)},{PrometheusWriter.Label("version", ota.Version)},{PrometheusWriter.Label("phase", ota.PhaseName)}", 1);
            w.Single("edgellm_ota_progress", "gauge", "Progress of the last OTA update within its phase.", ota.Progress);
        }
    }
}
