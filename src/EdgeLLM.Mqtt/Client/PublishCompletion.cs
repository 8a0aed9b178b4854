using System.Threading.Tasks.Sources;

namespace EdgeLLM.Mqtt;

/// <summary>
/// The pending result of one publish, pooled so a publish allocates no Task. It goes back to the pool once the caller
/// has awaited it; a <see cref="ValueTask"/> over it must therefore be awaited exactly once.
/// </summary>
internal sealed class PublishCompletion : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    public PublishCompletion(PublishTracker owner) => Owner = owner;

    public PublishTracker Owner { get; }

    public int Mid { get; set; }

    public MqttQualityOfService QualityOfService { get; set; }

    public string Topic { get; set; } = "";

    public CancellationTokenRegistration Registration { get; set; }

    public short Version => _core.Version;

    public void Succeed() => _core.SetResult(true);

    public void Fail(Exception exception) => _core.SetException(exception);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public void GetResult(short token)
    {
        if (token != _core.Version)
        {
            throw new InvalidOperationException("A publish ValueTask was awaited twice; await it once, or call AsTask() to share it.");
        }
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            Registration.Dispose();
            Registration = default;
            Topic = "";
            _core.Reset();
            Owner.Return(this);
        }
    }
}
