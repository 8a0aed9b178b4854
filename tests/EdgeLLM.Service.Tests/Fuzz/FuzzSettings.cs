using System.Globalization;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// The fuzz suite's seed and size. CI runs a fixed seed (reproducible); <c>EDGELLM_FUZZ_SEED</c> picks another and
/// <c>EDGELLM_FUZZ_SCALE</c> multiplies the case counts (e.g. 20 for a long local run). Failures print both.
/// </summary>
internal static class FuzzSettings
{
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("EDGELLM_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 18;

    public static int Scale { get; } = int.TryParse(Environment.GetEnvironmentVariable("EDGELLM_FUZZ_SCALE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    public static string Reproduce(int caseIndex) => $"seed {Seed} (EDGELLM_FUZZ_SEED={Seed} EDGELLM_FUZZ_SCALE={Scale}), case {caseIndex}";

    /// <summary>Bytes shown in a failure: as text when printable UTF-8, else hex.</summary>
    public static string Show(byte[] payload)
    {
        var shown = payload.Length > 600 ? payload[..600] : payload;
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(shown) + (payload.Length > 600 ? $"… ({payload.Length} bytes)" : "");
        }
        catch (System.Text.DecoderFallbackException)
        {
            return "hex " + Convert.ToHexString(shown);
        }
    }
}
