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
}
