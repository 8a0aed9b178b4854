namespace EdgeLLM.Ota;

/// <summary>
/// Tests a staged model before the switch: loads it beside the serving model, checks that its weights plus
/// the minimum KV cache fit the device's memory budget, and runs its <c>smoke.json</c> (the greedy output
/// ids must match exactly). Implemented by the host with the real engine.
/// </summary>
public interface IOtaModelValidator
{
    /// <summary>Validates the staged model. Throwing counts as a failure with the exception's message.</summary>
    Task<OtaValidationResult> ValidateAsync(OtaValidationRequest request, CancellationToken cancellationToken);
}
