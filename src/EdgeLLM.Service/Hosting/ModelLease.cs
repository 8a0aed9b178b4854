using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Service.Hosting;

/// <summary>One request's hold on a pooled model: while any lease is held the model is not unloaded. Dispose once the
/// request has ended.</summary>
public sealed class ModelLease : IDisposable
{
    private readonly ModelPool _pool;
    private readonly PooledModel _model;
    private int _released;

    internal ModelLease(ModelPool pool, PooledModel model)
    {
        _pool = pool;
        _model = model;
    }

    public LoadedModel Model => _model.Loaded;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _pool.Release(_model);
        }
    }
}
