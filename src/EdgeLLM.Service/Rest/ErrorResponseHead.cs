using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Service.Rest;

/// <summary>The head of an error answer, whatever API's body follows: the status, the content type, and the headers a
/// client acts on (<c>WWW-Authenticate</c> on 401 so it re-authenticates, <c>Retry-After</c> on 429 so it backs off).</summary>
internal static class ErrorResponseHead
{
    public static void Write(HttpResponse response, int status, string contentType)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }
        if (status == StatusCodes.Status429TooManyRequests)
        {
            response.Headers.RetryAfter = "1";
        }
    }
}
