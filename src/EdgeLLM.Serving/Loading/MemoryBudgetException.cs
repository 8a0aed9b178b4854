using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Serving.Loading;

/// <summary>A model that does not fit the device's memory budget; the message gives both numbers and the parts.</summary>
public sealed class MemoryBudgetException : Exception
{
    public MemoryBudgetException(string model, long requiredBytes, long budgetBytes, string detail)
        : base($"model {model} needs {requiredBytes} bytes ({detail}) but the memory budget is {budgetBytes} bytes")
    {
        RequiredBytes = requiredBytes;
        BudgetBytes = budgetBytes;
    }

    /// <summary>A model measured at load whose footprint at <see cref="ModelFootprint.BatchSlots"/> does not fit.</summary>
    public MemoryBudgetException(string model, ModelFootprint footprint, long budgetBytes)
        : this(model, footprint.RequiredBytes, budgetBytes, footprint.Describe())
    {
        Footprint = footprint;
    }

    public long RequiredBytes { get; }

    public long BudgetBytes { get; }

    /// <summary>The measured parts, when the model was loaded far enough to measure them (null for a refusal on the
    /// weights files alone).</summary>
    public ModelFootprint? Footprint { get; }

    internal static ModelLoadException AsLoadError(MemoryBudgetException e) => new(e.Message, e);
}
