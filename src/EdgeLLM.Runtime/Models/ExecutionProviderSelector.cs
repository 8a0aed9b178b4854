using EdgeLLM.Runtime.Memory;
using EdgeLLM.Runtime.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// Opens the decoder with the first execution provider that works: each candidate is appended to fresh
/// session options and the session created; a provider this ONNX Runtime build lacks, or one that fails to
/// create the session, falls back to the next with its reason logged. CPU is always the last resort.
/// </summary>
public static partial class ExecutionProviderSelector
{
    internal static (DecoderSession Session, string Provider, IReadOnlyList<ProviderAttempt> Attempts) Open(
        string directory, GenAiConfig config, ModelLoadOptions options, ILogger logger)
    {
        // Before anything reads ONNX Runtime (the prepacked cache's key reads its version): the library EdgeLLM chose, with its logger.
        OrtEnvironment.EnsureCreated();
        var candidates = options.Providers.Concat(config.Model.Decoder.SessionOptions.Providers)
            .Where(p => Canonical(p.Name) != "CPUExecutionProvider")
            .DistinctBy(p => Canonical(p.Name))
            .ToList();
        var attempts = new List<ProviderAttempt>();
        var spinning = options.IntraOpSpinning ? "1" : "0";
        foreach (var candidate in candidates)
        {
            var name = Canonical(candidate.Name);
            try
            {
                using var so = BaseOptions(config, options, spinning);
                Append(so, name, candidate.Options);
                var session = new DecoderSession(directory, config, so, options.SelectLogitsPositions);
                attempts.Add(new ProviderAttempt(name, true, null));
                LogChosen(logger, name);
                LogRewrites(logger, session);
                LogModelPages(logger, MappedModelPages.Release(directory));
                return (session, name, attempts);
            }
            catch (Exception e) when (e is OnnxRuntimeException or ModelLoadException)
            {
                var reason = e is OnnxRuntimeException o ? OrtErrors.Message(o) : e.Message;
                attempts.Add(new ProviderAttempt(name, false, reason));
                LogFallback(logger, name, reason);
            }
        }
        var cpu = OpenOnCpu(directory, config, options, spinning, logger);
        attempts.Add(new ProviderAttempt("CPUExecutionProvider", true, null));
        LogChosen(logger, "CPUExecutionProvider");
        LogRewrites(logger, cpu);
        LogModelPages(logger, MappedModelPages.Release(directory));
        if (options.HugePages)
        {
            // The session has read and prepacked the weights as it opened: they are resident now, and stay.
            LogHugePages(logger, ResidentHugePages.Collapse());
        }
        return (cpu, "CPUExecutionProvider", attempts);
    }

    /// <summary>
    /// The decoder on the CPU provider: mapped from its saved prepacked form when there is one
    /// (<see cref="PrepackedWeightsCache"/>), else opened from the model's files, saving that form as it opens when the
    /// cache applies and the disk has room. A saved form that will not load is removed and the model opened from its
    /// files; a save that fails leaves the load as it would have been without it.
    /// </summary>
    private static DecoderSession OpenOnCpu(string directory, GenAiConfig config, ModelLoadOptions options, string spinning, ILogger logger)
    {
        var cache = PrepackedWeightsCache.For(directory, config, options, out var reason);
        if (cache?.Saved is { } saved)
        {
            using var so = BaseOptions(config, options, spinning);
            try
            {
                var session = DecoderSession.FromSaved(config, saved, so);
                session.PrepackedWeights = $"prepacked weights mapped from {cache.Entry}";
                LogPrepacked(logger, session.PrepackedWeights);
                LogModelPages(logger, MappedModelPages.Release(cache.Entry));
                return session;
            }
            catch (ModelLoadException e)
            {
                cache.Discard();
                LogSavedUnusable(logger, cache.Entry, e.Message);
            }
        }
        if (cache is not null && (reason = cache.CannotSave()) is null)
        {
            PrepackedWeightsCache.Saving? saving = null;
            try
            {
                saving = cache.BeginSave();
                using var so = BaseOptions(config, options, spinning);
                saving.Apply(so);
                var session = new DecoderSession(directory, config, so, options.SelectLogitsPositions);
                session.PrepackedWeights = saving.Commit();
                LogPrepacked(logger, session.PrepackedWeights);
                return session;
            }
            catch (Exception e) when (e is ModelLoadException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
            {
                saving?.Discard();
                reason = $"prepacked weights not saved: {e.Message}";
            }
        }
        if (reason is not null)
        {
            LogPrepacked(logger, reason);
        }
        using var plain = BaseOptions(config, options, spinning);
        return new DecoderSession(directory, config, plain, options.SelectLogitsPositions) { PrepackedWeights = reason };
    }

    private static void LogRewrites(ILogger logger, DecoderSession session)
    {
        LogLogitsSelection(logger, session.LogitsSelection);
        if (session.InlineWeightBytes > 0)
        {
            LogInlineWeights(logger, session.InlineWeightBytes / 1048576.0);
        }
        if (session.FoldedReshapes.Count > 0)
        {
            LogFoldedReshapes(logger, session.FoldedReshapes);
        }
    }

    /// <summary>ONNX Runtime's full provider name for the spellings GenAI configs and profiles use.</summary>
    public static string Canonical(string name) => name.ToLowerInvariant() switch
    {
        "cuda" or "cudaexecutionprovider" => "CUDAExecutionProvider",
        "tensorrt" or "trt" or "nvtensorrt" or "tensorrtexecutionprovider" => "TensorrtExecutionProvider",
        "qnn" or "qnnexecutionprovider" => "QNNExecutionProvider",
        "openvino" or "openvinoexecutionprovider" => "OpenVINOExecutionProvider",
        "xnnpack" or "xnnpackexecutionprovider" => "XNNPACKExecutionProvider",
        "dml" or "dmlexecutionprovider" => "DmlExecutionProvider",
        "webgpu" or "webgpuexecutionprovider" => "WebGpuExecutionProvider",
        "cpu" or "cpuexecutionprovider" => "CPUExecutionProvider",
        _ => name,
    };

    private static void Append(SessionOptions so, string name, IReadOnlyDictionary<string, string> providerOptions)
    {
        var settings = new Dictionary<string, string>(providerOptions, StringComparer.Ordinal);
        switch (name)
        {
            case "CUDAExecutionProvider":
            {
                // Creating the options object already fails on a build without CUDA, with ORT's reason.
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(settings);
                so.AppendExecutionProvider_CUDA(cuda);
                break;
            }
            case "TensorrtExecutionProvider":
            {
                using var trt = new OrtTensorRTProviderOptions();
                trt.UpdateOptions(settings);
                so.AppendExecutionProvider_Tensorrt(trt);
                break;
            }
            default:
                // The generic append takes ORT's short names: QNN, OpenVINO, XNNPACK, DML, WebGPU, ...
                so.AppendExecutionProvider(name.EndsWith("ExecutionProvider", StringComparison.Ordinal) ? name[..^"ExecutionProvider".Length] : name, settings);
                break;
        }
    }

    private static SessionOptions BaseOptions(GenAiConfig config, ModelLoadOptions options, string spinning)
    {
        // Providers log through the environment's logger as they are appended: it must exist (with EdgeLLM's logger) first.
        OrtEnvironment.EnsureCreated();
        var s = config.Model.Decoder.SessionOptions;
        var so = new SessionOptions();
        try
        {
            so.IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : s.IntraOpThreads ?? 0;
            so.InterOpNumThreads = options.InterOpThreads > 0 ? options.InterOpThreads : s.InterOpThreads ?? 1;
            so.GraphOptimizationLevel = s.OrtGraphOptimizationLevel;
            // Workers spin inside a Run unless told not to (ModelLoadOptions.IntraOpSpinning says why), and stop spinning the moment
            // the Run returns, so an idle device does not burn energy waiting.
            so.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
            so.AddSessionConfigEntry("session.force_spinning_stop", "1");
            so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            // No CPU arena: freed activation memory goes back to the system, so resident memory stays near
            // weights + KV cache (the memory budget is about the process, not about ORT's pool).
            so.EnableCpuMemArena = s.EnableCpuMemArena ?? false;
            if (s.EnableMemPattern is { } pattern)
            {
                so.EnableMemoryPattern = pattern;
            }
            if (s.LogId is { } id)
            {
                so.LogId = id;
            }
            if (s.EnableProfiling is { Length: > 0 } profile)
            {
                // ORT writes {prefix}_{time}.json (per-node Chrome trace) when the session ends.
                so.ProfileOutputPathPrefix = profile;
                so.EnableProfiling = true;
            }
            foreach (var (k, v) in s.ConfigEntries)
            {
                so.AddSessionConfigEntry(k, v);
            }
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Execution provider {Provider} chosen")]
    private static partial void LogChosen(ILogger logger, string provider);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Execution provider {Provider} was asked for but is not usable, falling back to the next: {Reason}")]
    private static partial void LogFallback(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Decoder logits: {Selection}")]
    private static partial void LogLogitsSelection(ILogger logger, string selection);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Decoder weights: {Folded}")]
    private static partial void LogFoldedReshapes(ILogger logger, ExternalWeightReshapes.Folded folded);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Decoder weights: {MiB:F1} MiB of inline weights read from their range of the model file, not kept as a copy of the graph")]
    private static partial void LogInlineWeights(ILogger logger, double miB);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Decoder memory: {Pages}")]
    private static partial void LogModelPages(ILogger logger, MappedPagesRelease pages);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "Decoder weights: {Prepacked}")]
    private static partial void LogPrepacked(ILogger logger, string prepacked);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Decoder weights: the prepacked form saved in {Entry} does not load and is removed; opening the model's files: {Reason}")]
    private static partial void LogSavedUnusable(ILogger logger, string entry, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Decoder memory: {HugePages}")]
    private static partial void LogHugePages(ILogger logger, HugePageCollapse hugePages);
}
