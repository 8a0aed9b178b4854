using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Serving.Configuration;

/// <summary>Checks the configuration at start-up; each failure names the key and says what is wrong.</summary>
public sealed class EdgeLLMOptionsValidator : IValidateOptions<EdgeLLMOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeLLMOptions o)
    {
        var failures = new List<string>();
        if (o.DeviceId is { } id && (id.Length == 0 || id.Length > 64 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))))
        {
            failures.Add($"EdgeLLM:DeviceId '{id}' must be 1 to 64 characters of [A-Za-z0-9_-] (it becomes part of MQTT topics)");
        }
        if (o.ShutdownDrainSeconds is < 0 or > 600)
        {
            failures.Add($"EdgeLLM:ShutdownDrainSeconds must be between 0 and 600, not {o.ShutdownDrainSeconds}");
        }
        if (o.Engine.MaxBatchSize is < 1 or > 256)
        {
            failures.Add($"EdgeLLM:Engine:MaxBatchSize must be between 1 and 256, not {o.Engine.MaxBatchSize}");
        }
        if (o.Engine.Executor is { } executor && !ExecutorKinds.TryParse(executor, out _))
        {
            failures.Add($"EdgeLLM:Engine:Executor must be edgellm or genai, not '{executor}'");
        }
        if (o.Engine.MaxQueuedRequests is < 1)
        {
            failures.Add("EdgeLLM:Engine:MaxQueuedRequests must be 1 or more");
        }
        if (o.Engine.PrefillChunkTokens is < 0)
        {
            failures.Add("EdgeLLM:Engine:PrefillChunkTokens must be 0 (prompts go in whole) or more");
        }
        if (o.Engine.PrefixCacheBytes is < 0)
        {
            failures.Add("EdgeLLM:Engine:PrefixCacheBytes must be 0 (off) or more");
        }
        if (o.Engine.Threads is < 1)
        {
            failures.Add("EdgeLLM:Engine:Threads must be 1 or more");
        }
        if (o.Onnx.LibraryPath is { } lib && !File.Exists(lib))
        {
            failures.Add($"EdgeLLM:Onnx:LibraryPath '{lib}' does not exist");
        }
        ValidateHttp(o.Http, failures);
        ValidateMqtt(o.Mqtt, failures);
        if (o.Telemetry.IntervalSeconds is < 1 or > 86400)
        {
            failures.Add($"EdgeLLM:Telemetry:IntervalSeconds must be between 1 and 86400, not {o.Telemetry.IntervalSeconds}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateHttp(HttpOptions http, List<string> failures)
    {
        if (!http.Enabled)
        {
            return;
        }
        var urls = http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            failures.Add("EdgeLLM:Http:Urls is empty; set it or disable the REST API with EdgeLLM:Http:Enabled=false");
        }
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                failures.Add($"EdgeLLM:Http:Urls entry '{url}' is not an http(s) URL");
            }
            else if (!ListenAddress.IsLoopback(url) && !http.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
            {
                failures.Add($"EdgeLLM:Http:Urls binds {url} off loopback but EdgeLLM:Http:ApiKeys is empty: refusing to serve without keys");
            }
        }
        if (http.ApiKeys.Any(k => k.Length is > 0 and < 16))
        {
            failures.Add("EdgeLLM:Http:ApiKeys entries must be at least 16 characters");
        }
        if (http.RequestHeadersTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"EdgeLLM:Http:RequestHeadersTimeoutSeconds must be between 1 and 300, not {http.RequestHeadersTimeoutSeconds}");
        }
    }

    private static void ValidateMqtt(MqttFrontOptions m, List<string> failures)
    {
        if (!m.Enabled)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(m.Host))
        {
            failures.Add("EdgeLLM:Mqtt:Host is empty");
        }
        if (m.Port is < 1 or > 65535)
        {
            failures.Add($"EdgeLLM:Mqtt:Port must be between 1 and 65535, not {m.Port}");
        }
        if (string.IsNullOrWhiteSpace(m.TopicRoot) || m.TopicRoot.IndexOfAny(['+', '#', '\0']) >= 0 || m.TopicRoot.StartsWith('$'))
        {
            failures.Add($"EdgeLLM:Mqtt:TopicRoot '{m.TopicRoot}' must be a plain topic level (no wildcards, not starting with $)");
        }
        if (m.Pool is { } pool && (pool.Length == 0 || pool.IndexOfAny(['/', '+', '#']) >= 0))
        {
            failures.Add($"EdgeLLM:Mqtt:Pool '{pool}' must be one topic level without wildcards");
        }
        if (m.MaxPayloadBytes is < 1024 or > 16 << 20)
        {
            failures.Add($"EdgeLLM:Mqtt:MaxPayloadBytes must be between 1024 and 16777216, not {m.MaxPayloadBytes}");
        }
        if (m.DedupWindowSeconds < 0)
        {
            failures.Add("EdgeLLM:Mqtt:DedupWindowSeconds must be 0 or more");
        }
        if (m.DedupMaxEntries is < 1 or > 1_000_000)
        {
            failures.Add($"EdgeLLM:Mqtt:DedupMaxEntries must be between 1 and 1000000, not {m.DedupMaxEntries}");
        }
        if (m.SessionExpirySeconds < 0)
        {
            failures.Add("EdgeLLM:Mqtt:SessionExpirySeconds must be 0 or more");
        }
        if ((m.TlsCertFile is null) != (m.TlsKeyFile is null))
        {
            failures.Add("EdgeLLM:Mqtt:TlsCertFile and TlsKeyFile go together");
        }
        if (m.TlsCertFile is not null && m.TlsCaFile is null)
        {
            failures.Add("EdgeLLM:Mqtt:TlsCertFile needs TlsCaFile: TLS is on only with the CA that verifies the broker");
        }
        if (m.ProtocolVersion is not ("5" or MqttFrontOptions.Protocol311))
        {
            failures.Add($"EdgeLLM:Mqtt:ProtocolVersion must be \"5\" or \"3.1.1\", not '{m.ProtocolVersion}'");
        }
        foreach (var (key, path) in new[] { ("TlsCaFile", m.TlsCaFile), ("TlsCertFile", m.TlsCertFile), ("TlsKeyFile", m.TlsKeyFile), ("ResponseSchemaFile", m.ResponseSchemaFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                failures.Add($"EdgeLLM:Mqtt:{key} '{path}' does not exist");
            }
        }
    }
}
