namespace EdgeLLM.Serving.Configuration;

/// <summary><c>EdgeLLM:Http</c>.</summary>
public sealed class HttpOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Semicolon-separated URLs, as ASP.NET Core's <c>urls</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Bearer keys; required for every /v1 call off loopback and for /v1/admin/ota everywhere.</summary>
    public List<string> ApiKeys { get; set; } = [];

    public int MaxRequestBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Seconds a client has to send a request's headers (Kestrel's <c>RequestHeadersTimeout</c>, default 30): a
    /// slowloris client holds a connection no longer than this. Kestrel answers it with an empty 408 itself
    /// (docs/LIMITS.md says why the body cannot be JSON).
    /// </summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 30;
}
