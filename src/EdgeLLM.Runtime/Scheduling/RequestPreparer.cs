using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// What every executor checks and computes before a request may queue: the model asked for, prompt or messages,
/// the rendered and encoded prompt against the context, <c>max_tokens</c>, the admission policy (energy budget)
/// and the sampling fields over the model's search defaults. Executors share it so both answer a request alike.
/// </summary>
internal static class RequestPreparer
{
    /// <exception cref="GenerationException">The request cannot be served; the code and message say why.</exception>
    public static PendingRequest Prepare(LanguageModel model, EngineOptions options, GenerationRequest request, long sequenceNumber)
    {
        if (request.Model is { } wanted && wanted != model.Identity.Id)
        {
            throw new GenerationException(GenerationErrorCode.ModelUnavailable, $"model '{wanted}' is not served here; this device serves '{model.Identity.Id}'");
        }
        if (request.Prompt is not null && request.Messages is not null)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, "give either prompt or messages, not both");
        }
        var promptField = request.Messages is null ? "prompt" : "messages";
        if (request.Prompt is { Length: 0 } || request.Messages is { Count: 0 })
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, "the prompt is empty") { Field = promptField };
        }
        var text = model.RenderPrompt(request);
        var ids = model.EncodePrompt(text, fromTemplate: request.Messages is not null);
        if (ids.Length == 0)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, "the prompt has no tokens") { Field = promptField };
        }
        if (ids.Length >= model.MaxSequenceLength)
        {
            throw new GenerationException(GenerationErrorCode.ContextOverflow,
                $"the prompt has {ids.Length} tokens; the model's context holds {model.MaxSequenceLength}, leaving no room to generate") { Field = promptField };
        }
        if (request.MaxTokens is <= 0)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, $"max_tokens must be 1 or more, not {request.MaxTokens}") { Field = "max_tokens" };
        }
        if (options.Admission?.Refuse(request) is { } refused)
        {
            throw refused;
        }
        var sampling = SamplingFor(model, request);
        if (sampling.Problem() is { } problem)
        {
            // Problem() names the field first, as "field: reason".
            throw new GenerationException(GenerationErrorCode.BadRequest, problem) { Field = problem[..problem.IndexOf(':', StringComparison.Ordinal)] };
        }
        var room = model.MaxSequenceLength - ids.Length;
        var maxTokens = Math.Min(request.MaxTokens ?? options.DefaultMaxTokens ?? room, room);
        return new PendingRequest(request, ids, sampling, maxTokens, sequenceNumber)
        {
            LimitedByContext = (request.MaxTokens ?? options.DefaultMaxTokens ?? int.MaxValue) > room,
        };
    }

    /// <summary>The request's sampling fields over the model's search defaults; temperature 0 means greedy.</summary>
    private static SamplingOptions SamplingFor(LanguageModel model, GenerationRequest r)
    {
        var s = model.Config.Search;
        var temperature = r.Temperature ?? s.Temperature;
        var doSample = r.Temperature is { } t ? t > 0 : s.DoSample;
        return new SamplingOptions
        {
            DoSample = doSample,
            Temperature = temperature,
            TopK = r.TopK ?? s.TopK,
            TopP = r.TopP ?? s.TopP,
            MinP = r.MinP ?? 0f,
            RepetitionPenalty = r.RepetitionPenalty ?? s.RepetitionPenalty,
            Seed = r.Seed,
        };
    }
}
