namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// One answer's place in a <see cref="TokenConstraint"/>: an automaton state, advanced token by token. Held by the
/// sequence it constrains (one per batch slot), so every sequence in a batch carries its own constraint state.
/// </summary>
public sealed class ConstraintCursor
{
    private readonly TokenConstraint _constraint;
    private int _state;

    internal ConstraintCursor(TokenConstraint constraint, int state)
    {
        _constraint = constraint;
        _state = state;
    }

    public TokenConstraint Constraint => _constraint;

    /// <summary>True when the text so far is a complete, valid answer (end-of-sequence is allowed).</summary>
    public bool IsComplete => _state >= 0 && _constraint.IsAccepting(_state);

    /// <summary>True when the answer is complete and nothing may follow it: the sequence should stop here.</summary>
    public bool IsClosed => _state >= 0 && _constraint.IsClosed(_state);

    /// <summary>Fewest tokens that still close the answer.</summary>
    public int TokensToClose => _state >= 0 ? _constraint.TokensToClose(_state) : int.MaxValue;

    /// <summary>Masks <paramref name="logits"/> (one sequence's row) to the tokens allowed with <paramref name="tokensLeft"/>
    /// tokens of budget left, this one included; <paramref name="eosIds"/> stay allowed only once the answer is complete.</summary>
    public void Apply(Span<float> logits, int tokensLeft, ReadOnlySpan<int> eosIds)
    {
        if (_state >= 0)
        {
            _constraint.Apply(_state, Math.Max(1, tokensLeft), logits, eosIds);
        }
    }

    /// <summary>Moves past a generated token; false (and the cursor is spent) when the constraint did not allow it.</summary>
    public bool Advance(int token)
    {
        if (_state < 0)
        {
            return false;
        }
        _state = _constraint.Advance(_state, token);
        return _state >= 0;
    }
}
