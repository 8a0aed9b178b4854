using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Service.Contract;

/// <summary>
/// EdgeLLM's admission fields (<c>priority</c>, <c>energy_budget_j</c>, <c>deadline_ms</c>), read and checked the
/// same way on every transport so that a request is queued and budgeted alike whichever door it came through.
/// </summary>
internal sealed record AdmissionFields(RequestPriority Priority, double? EnergyBudgetJ, DateTimeOffset? StartDeadline)
{
    /// <exception cref="FieldException">A field is of the wrong kind or out of range.</exception>
    public static AdmissionFields Read(Fields f, DateTimeOffset now)
    {
        var deadlineMs = f.OptionalInt("deadline_ms");
        if (deadlineMs is <= 0)
        {
            throw new FieldException("deadline_ms", "must be positive");
        }
        var energy = f.OptionalDouble("energy_budget_j");
        if (energy is { } e && (e <= 0 || double.IsNaN(e) || double.IsInfinity(e)))
        {
            throw new FieldException("energy_budget_j", "must be a positive number");
        }
        return new AdmissionFields(f.Priority("priority"), energy, deadlineMs is { } ms ? now.AddMilliseconds(ms) : null);
    }

    /// <summary>The request with these fields set.</summary>
    public GenerationRequest ApplyTo(GenerationRequest request) => request with
    {
        Priority = Priority,
        EnergyBudgetJ = EnergyBudgetJ,
        StartDeadline = StartDeadline,
    };
}
