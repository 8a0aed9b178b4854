using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Service.Metrics;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Where both transports hand requests to the serving engine: picks the engine of the moment (so a hot swap takes
/// effect for the next request), and counts every outcome once for <c>/metrics</c>.
/// </summary>
public sealed class GenerationGateway(ModelHost host, ServiceMetrics metrics)
{
    /// <summary>Counts a request refused before it reached the engine (unreadable, too large, unroutable) under its error code.</summary>
    public void RecordRejected(string transport, GenerationErrorCode code) => metrics.RecordFailed(transport, code);

    /// <summary>Counts a request refused by the transport under the error code it was answered with.</summary>
    public void RecordRejected(string transport, string wireCode) => metrics.RecordFailed(transport, wireCode);

    /// <summary>Starts a completion on the serving engine. Its <see cref="GenerationStream.Result"/> completes only
    /// after the outcome is counted; a failure there is always a <see cref="GenerationException"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="transport">The metrics label of the door it came through.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <param name="engine">A model loaded on demand (<see cref="ModelPool"/>); null for the serving model.</param>
    /// <exception cref="GenerationException">The request was refused before it started (counted here).</exception>
    public GenerationStream Stream(GenerationRequest request, string transport, CancellationToken cancellationToken, IInferenceExecutor? engine = null)
    {
        GenerationStream stream;
        try
        {
            stream = (engine ?? host.RequireEngine()).Stream(request, cancellationToken);
        }
        catch (GenerationException e)
        {
            metrics.RecordFailed(transport, e.Code);
            throw;
        }
        return stream.WithResult(CountAsync(stream.Result, transport));
    }

    private async Task<GenerationResult> CountAsync(Task<GenerationResult> outcome, string transport)
    {
        try
        {
            var result = await outcome.ConfigureAwait(false);
            metrics.RecordCompleted(transport, result);
            return result;
        }
        catch (GenerationException e)
        {
            metrics.RecordFailed(transport, e.Code);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.RecordFailed(transport, GenerationErrorCode.Internal);
            throw new GenerationException(GenerationErrorCode.Internal, e.Message, e);
        }
    }
}
