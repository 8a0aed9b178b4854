using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// The up-front checks of a constrained request, the same on every executor: the constraint compiles under
/// EdgeLLM's rules (an unsupported schema keyword is refused by name and path) and the budget holds its shortest
/// answer. An executor that decodes with another grammar engine (GenAI's guidance) still runs them, so a request
/// is refused for the same reasons wherever it runs.
/// </summary>
internal static class ConstraintAdmission
{
    /// <summary>The field a constraint comes from in the contract; a transport that built it from tools says so itself.</summary>
    public const string ConstraintField = "response_format";

    /// <summary>The request's compiled constraint (null for free text), or a <c>bad_request</c>.</summary>
    /// <param name="cache">The model's compiled constraints.</param>
    /// <param name="request">The request.</param>
    /// <param name="maxTokens">The tokens the request may generate.</param>
    /// <param name="room">The tokens the context leaves after the prompt.</param>
    /// <exception cref="GenerationException"><see cref="GenerationErrorCode.BadRequest"/>: the constraint cannot be enforced or does not fit.</exception>
    public static TokenConstraint? Compile(ConstraintCache cache, GenerationRequest request, int maxTokens, int room)
    {
        if (request.Constraint is not { } constraint)
        {
            return null;
        }
        TokenConstraint compiled;
        try
        {
            compiled = cache.Get(constraint);
        }
        catch (ConstraintException e)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, e.Message, e) { Field = ConstraintField };
        }
        if (compiled.ShortestAnswerTokens > maxTokens)
        {
            var limit = maxTokens < room ? $"max_tokens is {maxTokens}" : $"the context leaves {room}";
            throw new GenerationException(GenerationErrorCode.BadRequest,
                $"the shortest answer {Describe(constraint)} allows takes {compiled.ShortestAnswerTokens} tokens, but {limit}") { Field = ConstraintField };
        }
        return compiled;
    }

    private static string Describe(OutputConstraint c) => c.Name is { } name ? $"schema \"{name}\"" : "the constraint";
}
