using System.Net;

namespace EdgeLLM.Serving.Configuration;

/// <summary>Whether a listen URL or a connection is on loopback (where the REST API needs no key).</summary>
public static class ListenAddress
{
    public static bool IsLoopback(string url)
    {
        var hostStart = url.IndexOf("://", StringComparison.Ordinal);
        var host = hostStart < 0 ? url : url[(hostStart + 3)..];
        host = host.Split('/')[0];
        if (host.StartsWith('['))
        {
            host = host[1..host.IndexOf(']')];
        }
        else if (host.Contains(':'))
        {
            host = host[..host.LastIndexOf(':')];
        }
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
