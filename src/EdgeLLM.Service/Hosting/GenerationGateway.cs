using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Generation;
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

    /// <summary>Streams a completion; errors surface as <see cref="GenerationException"/> (counted here).</summary>
    public async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, string transport,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<GenerationUpdate> updates;
        try
        {
            updates = host.RequireEngine().StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (GenerationException e)
        {
            metrics.RecordFailed(transport, e.Code);
            throw;
        }
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                GenerationUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                    update = updates.Current;
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
                if (update.Result is { } result)
                {
                    metrics.RecordCompleted(transport, result);
                }
                yield return update;
            }
        }
    }
}
