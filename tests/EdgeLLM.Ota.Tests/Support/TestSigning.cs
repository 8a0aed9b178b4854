using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>Signs a test manifest the way <c>edgellm ota sign</c> does (also linked into the service's tests).</summary>
internal static class TestSigning
{
    public static byte[] Sign(JsonObject manifest, OtaKeyPair key)
    {
        using var ecdsa = OtaKeys.LoadPrivateKey(key.PrivateKeyPem, "test key");
        return Encoding.UTF8.GetBytes(OtaSigner.Sign(Encoding.UTF8.GetBytes(manifest.ToJsonString()), ecdsa));
    }
}
