namespace EdgeLLM.Ota;

/// <summary>The outcome of <see cref="IOtaModelValidator.ValidateAsync"/>.</summary>
public sealed record OtaValidationResult
{
    private OtaValidationResult(bool passed, string reason, long? requiredBytes, long? budgetBytes, bool isMemoryBudget)
    {
        Passed = passed;
        Reason = reason;
        RequiredBytes = requiredBytes;
        BudgetBytes = budgetBytes;
        IsMemoryBudgetFailure = isMemoryBudget;
    }

    /// <summary>True when the model may be switched to.</summary>
    public bool Passed { get; }

    /// <summary>What was checked, or why it failed (reported in the status's <c>error</c>).</summary>
    public string Reason { get; }

    /// <summary>Weights plus minimum KV cache in bytes, when the memory check ran.</summary>
    public long? RequiredBytes { get; }

    /// <summary>The device's memory budget in bytes, when the memory check ran.</summary>
    public long? BudgetBytes { get; }

    /// <summary>True when the model failed because it does not fit the memory budget.</summary>
    public bool IsMemoryBudgetFailure { get; }

    /// <summary>The model fits and its smoke test passed.</summary>
    public static OtaValidationResult Pass(string reason = "memory budget and smoke test passed", long? requiredBytes = null, long? budgetBytes = null) =>
        new(true, reason, requiredBytes, budgetBytes, false);

    /// <summary>The model's weights plus minimum KV cache exceed the budget.</summary>
    public static OtaValidationResult OverMemoryBudget(long requiredBytes, long budgetBytes) =>
        new(false, $"needs {requiredBytes} bytes (weights + minimum KV cache), the memory budget is {budgetBytes} bytes",
            requiredBytes, budgetBytes, true);

    /// <summary>The smoke test (or loading the model) failed.</summary>
    public static OtaValidationResult Fail(string reason) => new(false, reason, null, null, false);
}
