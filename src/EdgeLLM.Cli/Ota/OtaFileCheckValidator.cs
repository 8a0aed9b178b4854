using System.Text.Json;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Bundles;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// The <c>device-sim</c> stand-in for the engine's checks: <c>genai_config.json</c> must be a JSON object whose decoder
/// file exists, and <c>smoke.json</c>, when present, must be JSON. No memory check and no generation.
/// </summary>
internal sealed class OtaFileCheckValidator : IOtaModelValidator
{
    private readonly string? _failWith;
    private readonly string? _holdAt;
    private readonly OtaSimEvents _events;

    public OtaFileCheckValidator(string? failWith, string? holdAt, OtaSimEvents events)
    {
        _failWith = failWith;
        _holdAt = holdAt;
        _events = events;
    }

    public Task<OtaValidationResult> ValidateAsync(OtaValidationRequest request, CancellationToken cancellationToken)
    {
        if (string.Equals(_holdAt, "Testing", StringComparison.OrdinalIgnoreCase))
        {
            OtaSimStepObserver.Hold(_events, "Testing");
        }

        if (_failWith is not null)
        {
            return Task.FromResult(OtaValidationResult.Fail(_failWith));
        }

        var directory = request.Candidate.Directory;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, OtaBundlePacker.GenAiConfigFile)));
            if (config.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("decoder", out var decoder)
                && decoder.TryGetProperty("filename", out var file) && !File.Exists(Path.Combine(directory, file.GetString() ?? "")))
            {
                return Task.FromResult(OtaValidationResult.Fail($"the decoder file {file.GetString()} named by genai_config.json is missing"));
            }

            var smoke = Path.Combine(directory, "smoke.json");
            if (File.Exists(smoke))
            {
                using var _ = JsonDocument.Parse(File.ReadAllBytes(smoke));
            }
        }
        catch (JsonException e)
        {
            return Task.FromResult(OtaValidationResult.Fail($"invalid JSON: {e.Message}"));
        }

        return Task.FromResult(OtaValidationResult.Pass("files checked (device-sim: no engine, no smoke test run)"));
    }
}
