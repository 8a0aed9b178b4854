using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// The signed documents a rollout publishes: the operator's manifest with each wave's <c>rollout</c>
/// (<c>{"percent","seed"}</c>), and the abort notice (the same manifest with <c>"abort": true</c> and percent 0).
/// Each is signed anew: the percent is covered by the signature, so nobody without the key can widen a wave.
/// </summary>
internal static class RolloutManifests
{
    /// <summary>The manifest of a wave reaching <paramref name="percent"/> of the devices by the rollout hash of <paramref name="seed"/>.</summary>
    public static byte[] ForWave(byte[] manifestJson, int percent, string seed, ECDsa key) => Sign(manifestJson, percent, seed, abort: false, key);

    /// <summary>The abort notice (docs/OTA.md): devices that switched to the version roll back, updates to it stop, others do nothing.</summary>
    public static byte[] Abort(byte[] manifestJson, string seed, ECDsa key) => Sign(manifestJson, 0, seed, abort: true, key);

    private static byte[] Sign(byte[] manifestJson, int percent, string seed, bool abort, ECDsa key)
    {
        var node = JsonNode.Parse(manifestJson)!.AsObject();
        node.Remove(OtaManifest.SignatureField);
        node["rollout"] = new JsonObject { ["percent"] = percent, ["seed"] = seed };
        node.Remove("abort");
        if (abort)
        {
            node["abort"] = true;
        }

        return Encoding.UTF8.GetBytes(OtaSigner.Sign(Encoding.UTF8.GetBytes(node.ToJsonString()), key));
    }
}
