using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>Starts a request in GenAI's engine: an <c>OgaRequest</c> and one turn over the prompt's token ids.</summary>
internal static unsafe class GenAiTurns
{
    /// <summary>
    /// Creates the request and begins its turn with the request's limits and sampling. Only options that change
    /// the outcome are set, because GenAI's admission rejects an option the resolved policy would ignore (a
    /// temperature on a greedy turn). Seeds are not passed: GenAI reseeds only under dynamic batching.
    /// </summary>
    /// <exception cref="GenAiException">GenAI refused the request or an option; the message is GenAI's.</exception>
    /// <exception cref="GenerationException">GenAI's guidance cannot enforce the request's constraint.</exception>
    public static OgaRequestHandle Begin(OgaEngineHandle engine, PendingRequest pending)
    {
        OgaResult.Check(OgaNative.OgaEngineCreateRequest(engine, IntPtr.Zero, out var r), "OgaEngineCreateRequest");
        var request = new OgaRequestHandle(r);
        try
        {
            OgaResult.Check(OgaNative.OgaRequestCreateTurnOptions(request, out var o), "OgaRequestCreateTurnOptions");
            using var options = new OgaTurnOptionsHandle(o);
            Configure(options, pending);
            fixed (int* ids = pending.PromptIds)
            {
                OgaResult.Check(OgaNative.OgaRequestBeginTurn(request, options, ids, (ulong)pending.PromptIds.Length, out _), "OgaRequestBeginTurn");
            }
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static void Configure(OgaTurnOptionsHandle options, PendingRequest pending)
    {
        var maxTokens = (ulong)pending.MaxTokens;
        OgaResult.Check(OgaNative.OgaTurnOptionsSetMaxGeneratedTokens(options, maxTokens), "OgaTurnOptionsSetMaxGeneratedTokens");
        if (pending.Request.Constraint is { } constraint)
        {
            Guide(options, constraint);
        }
        else if (pending.Request.IgnoreEos)
        {
            // GenAI masks end-of-sequence until this many tokens: the fixed-length run benchmarks ask for. Not for a
            // constrained answer: it ends when the value is complete, as on EdgeLLM's own executor.
            OgaResult.Check(OgaNative.OgaTurnOptionsSetMinGeneratedTokens(options, maxTokens), "OgaTurnOptionsSetMinGeneratedTokens");
        }
        var s = pending.Sampling;
        var sample = s.DoSample && s.Temperature > 0;
        OgaResult.Check(OgaNative.OgaTurnOptionsSetDoSample(options, sample), "OgaTurnOptionsSetDoSample");
        if (sample)
        {
            OgaResult.Check(OgaNative.OgaTurnOptionsSetTemperature(options, s.Temperature), "OgaTurnOptionsSetTemperature");
            if (s.TopP is > 0 and < 1)
            {
                OgaResult.Check(OgaNative.OgaTurnOptionsSetTopP(options, s.TopP), "OgaTurnOptionsSetTopP");
            }
            if (s.TopK > 0)
            {
                OgaResult.Check(OgaNative.OgaTurnOptionsSetTopK(options, s.TopK), "OgaTurnOptionsSetTopK");
            }
        }
        if (s.RepetitionPenalty is > 0 and not 1f)
        {
            OgaResult.Check(OgaNative.OgaTurnOptionsSetRepetitionPenalty(options, s.RepetitionPenalty), "OgaTurnOptionsSetRepetitionPenalty");
        }
    }

    /// <summary>
    /// Puts the constraint on the turn as GenAI guidance. A build or model whose guidance refuses it makes the request
    /// a <c>bad_request</c>: a constrained request is never answered unconstrained.
    /// </summary>
    private static void Guide(OgaTurnOptionsHandle options, OutputConstraint constraint)
    {
        var (type, data) = GenAiGuidance.For(constraint);
        try
        {
            OgaResult.Check(OgaNative.OgaTurnOptionsSetGuidance(options, type, data), "OgaTurnOptionsSetGuidance");
        }
        catch (GenAiException e)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest,
                $"ONNX Runtime GenAI's guidance cannot enforce this constraint ({type}): {e.NativeMessage}", e);
        }
    }
}
