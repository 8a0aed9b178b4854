using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// Compiled constraints of one model, by <see cref="OutputConstraint.CacheKey"/>: a device answering every request
/// on a topic with the same action schema compiles it once and keeps its masks warm. Holds at most
/// <see cref="Capacity"/> constraints, starting over when full.
/// </summary>
public sealed class ConstraintCache(Tokenizer tokenizer)
{
    public const int Capacity = 64;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenConstraint> _compiled = new(StringComparer.Ordinal);

    /// <summary>The compiled constraint; throws <see cref="ConstraintException"/> for one that cannot be enforced.</summary>
    public TokenConstraint Get(OutputConstraint constraint)
    {
        var key = constraint.CacheKey;
        lock (_gate)
        {
            if (_compiled.TryGetValue(key, out var known))
            {
                return known;
            }
        }
        // Compiled outside the lock: a large schema must not hold up requests that hit the cache.
        var compiled = TokenConstraint.Compile(constraint, tokenizer);
        lock (_gate)
        {
            if (_compiled.Count >= Capacity)
            {
                _compiled.Clear();
            }
            return _compiled.TryAdd(key, compiled) ? compiled : _compiled[key];
        }
    }
}
