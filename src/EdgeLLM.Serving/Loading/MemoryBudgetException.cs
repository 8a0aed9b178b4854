using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Serving.Loading;

/// <summary>A model that does not fit the device's memory budget; the message gives both numbers.</summary>
public sealed class MemoryBudgetException : Exception
{
    public MemoryBudgetException(string model, long requiredBytes, long budgetBytes, string detail)
        : base($"model {model} needs {requiredBytes} bytes ({detail}) but the memory budget is {budgetBytes} bytes")
    {
        RequiredBytes = requiredBytes;
        BudgetBytes = budgetBytes;
    }

    public long RequiredBytes { get; }

    public long BudgetBytes { get; }

    internal static ModelLoadException AsLoadError(MemoryBudgetException e) => new(e.Message, e);
}
