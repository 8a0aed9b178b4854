using EdgeLLM.Runtime.Executors.GenAi.Native;
using EdgeLLM.Runtime.Models;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Executors.GenAi;

/// <summary>
/// The profile's provider list on GenAI, falling back as EdgeLLM's own loop does: GenAI's <c>Config</c> gets the
/// providers from the first one still untried on (<c>OgaConfigClearProviders</c> / <c>AppendProvider</c>); a provider
/// GenAI cannot load (a build without its library, as GenAI's linux-arm64 package is without CUDA) is dropped with
/// its reason logged, down to CPU, GenAI's default.
/// </summary>
internal sealed partial class GenAiProviderFallback(ILogger logger)
{
    private readonly List<ProviderAttempt> _attempts = [];

    /// <summary>The provider the model was opened on (ONNX Runtime's name).</summary>
    public string Provider { get; private set; } = CpuProvider;

    /// <summary>Each provider tried, in order, with why it was not taken.</summary>
    public IReadOnlyList<ProviderAttempt> Attempts => _attempts;

    private const string CpuProvider = "CPUExecutionProvider";

    /// <exception cref="GenAiException">GenAI cannot open the model even on CPU; the message is GenAI's.</exception>
    public OgaModelHandle Open(LanguageModel model, int maxBatchSize)
    {
        var listed = new List<ProviderOptions>();
        foreach (var provider in model.LoadOptions.Providers)
        {
            if (GenAiModelOpener.GenAiName(provider.Name) is not null)
            {
                listed.Add(provider);
            }
        }
        for (var first = 0; ; first++)
        {
            var rest = listed.GetRange(first, listed.Count - first);
            var name = rest.Count > 0 ? ExecutionProviderSelector.Canonical(rest[0].Name) : CpuProvider;
            try
            {
                var handle = GenAiModelOpener.Open(model, maxBatchSize, rest);
                Provider = name;
                _attempts.Add(new ProviderAttempt(name, true, null));
                return handle;
            }
            catch (GenAiException e) when (rest.Count > 0)
            {
                _attempts.Add(new ProviderAttempt(name, false, e.NativeMessage));
                LogFallback(logger, name, e.NativeMessage);
            }
        }
    }

    [LoggerMessage(EventId = 1224, Level = LogLevel.Warning, Message = "ONNX Runtime GenAI cannot use {Provider}, falling back to the next provider: {Reason}")]
    private static partial void LogFallback(ILogger logger, string provider, string reason);
}
