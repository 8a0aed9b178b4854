using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>Constrained decoding inside the batch: each constrained sequence masks its own logits row before its
/// token is chosen; unconstrained sequences skip all of it.</summary>
public sealed partial class InferenceEngine
{
    private long _maskTicks;
    private long _maskedTokens;
    private int[]? _eosIds;

    /// <summary>Compiles the request's constraint and refuses, up front, a budget that cannot hold its shortest answer.</summary>
    private TokenConstraint? CompileConstraint(GenerationRequest request, int maxTokens, int room) =>
        ConstraintAdmission.Compile(_core.Constraints, request, maxTokens, room);

    /// <summary>The next token of a slot: its logits row masked by its constraint (if any), then its sampler.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Choose(int slot, ActiveSequence s) => Choose(slot, s, _batch.Logits(slot));

    /// <summary>The next token of a slot from a given logits row (a position of a speculative verify run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Choose(int slot, ActiveSequence s, Span<float> logits)
    {
        if (s.Constraint is { } constraint)
        {
            var started = Stopwatch.GetTimestamp();
            constraint.Apply(logits, TokensLeft(slot, s), _eosIds ??= [.. _model.EosTokenIds]);
            _maskTicks += Stopwatch.GetTimestamp() - started;
            _maskedTokens++;
        }
        return s.Sampler.Next(logits, s.HistorySpan);
    }

    /// <summary>Tokens this sequence may still generate, this one included: the least of max_tokens, the context and,
    /// with an energy cap, what the cap pays for at the joules per token spent so far.</summary>
    private int TokensLeft(int slot, ActiveSequence s)
    {
        var left = Math.Min(s.Pending.MaxTokens - s.Generated.Count, _batch.MaxLength - _batch.Length(slot));
        if (s.Pending.Request.EnergyBudgetJ is { } cap && s.Generated.Count > 0 && s.EnergyJ > 0)
        {
            var perToken = s.EnergyJ / s.Generated.Count;
            left = (int)Math.Min(left, Math.Max(1, Math.Floor((cap - s.EnergyJ) / perToken)));
        }
        return left;
    }

    /// <summary>Moves the constraint past the token; true when the answer is now complete and nothing may follow.</summary>
    private static bool AnswerClosed(ConstraintCursor constraint, int token) => !constraint.Advance(token) || constraint.IsClosed;
}
