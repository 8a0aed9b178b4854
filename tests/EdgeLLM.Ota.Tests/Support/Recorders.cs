using System.Collections.Concurrent;
using EdgeLLM.Ota;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>Keeps every status the updater reports.</summary>
internal sealed class RecordingStatusSink : IOtaStatusSink
{
    private readonly ConcurrentQueue<OtaStatus> _statuses = new();

    public IReadOnlyList<OtaStatus> All => [.. _statuses];

    public IReadOnlyList<OtaPhase> Phases => [.. _statuses.Select(s => s.Phase)];

    public ValueTask ReportAsync(OtaStatus status, CancellationToken cancellationToken)
    {
        // Round-trip through the wire format, as the MQTT publisher would.
        Assert.StartsWith("{\"model\":", status.ToJson(), StringComparison.Ordinal);
        _statuses.Enqueue(status);
        return ValueTask.CompletedTask;
    }

    public async Task<OtaStatus> WaitForAsync(Func<OtaStatus, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = _statuses.FirstOrDefault(predicate);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no matching status within {timeout}; got: {string.Join(" | ", _statuses)}");
    }
}

/// <summary>Records hot swaps; can be told to fail them.</summary>
internal sealed class RecordingActivator : IOtaModelActivator
{
    private readonly ConcurrentQueue<OtaInstalledModel> _activated = new();

    public Func<OtaInstalledModel, Exception?>? Failure { get; set; }

    public IReadOnlyList<OtaInstalledModel> Activated => [.. _activated];

    public Task ActivateAsync(OtaInstalledModel model, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(Path.Combine(model.Directory, "genai_config.json")), $"activated {model.Directory}, which is not a model directory");
        _activated.Enqueue(model);
        return Failure?.Invoke(model) is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }
}

/// <summary>
/// A validator standing in for the engine's memory check and smoke test: it checks that the staged directory
/// is byte-for-byte the published model (so staging is proven complete before testing) and then answers what
/// the test scripted.
/// </summary>
internal sealed class ScriptedValidator : IOtaModelValidator
{
    private readonly ConcurrentQueue<OtaValidationRequest> _requests = new();
    private readonly ConcurrentDictionary<string, string> _sources = new(StringComparer.Ordinal);

    public Func<OtaValidationRequest, OtaValidationResult>? Script { get; set; }

    public IReadOnlyList<OtaValidationRequest> Requests => [.. _requests];

    public void RegisterSource(string version, string directory) => _sources[version] = directory;

    public Task<OtaValidationResult> ValidateAsync(OtaValidationRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        if (!_sources.TryGetValue(request.Candidate.Version, out var source))
        {
            return Task.FromResult(OtaValidationResult.Fail($"no published source for {request.Candidate.Version}"));
        }

        if (!TestModelDirectory.HasSameFiles(source, request.Candidate.Directory))
        {
            return Task.FromResult(OtaValidationResult.Fail($"staged {request.Candidate.Directory} differs from {source}"));
        }

        return Task.FromResult(Script?.Invoke(request) ?? OtaValidationResult.Pass());
    }
}
