using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.KvCache;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Tokenizers;
using EdgeLLM.Tokenizers.Templates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// A model directory in the ONNX Runtime GenAI layout, opened: its configuration, tokenizer, chat template and
/// decoder session on the first execution provider that works. Transports never see ONNX Runtime: they hand
/// requests to an <see cref="Scheduling.InferenceEngine"/> built on this.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly DecoderSession? _session;

    // opened: the decoder session (null when opened without one), the provider it runs on and the providers tried.
    private LanguageModel(string directory, GenAiConfig config, Tokenizer tokenizer, ChatTemplate? template,
        (DecoderSession? Session, string Provider, IReadOnlyList<ProviderAttempt> Attempts) opened, ModelLoadOptions options)
    {
        var (session, provider, attempts) = opened;
        Directory = directory;
        Config = config;
        Tokenizer = tokenizer;
        ChatTemplate = template;
        _session = session;
        ExecutionProvider = provider;
        ProviderAttempts = attempts;
        LoadOptions = options;
        Identity = ModelIdentity.Read(directory);
        var d = config.Model.Decoder;
        // Without a session of our own the KV element type is unknown: float32 sizes budgets from above.
        KvLayout = new KvCacheLayout(d.NumHiddenLayers, d.NumKeyValueHeads, d.HeadSize, session?.KvType ?? TensorElementType.Float);
        SharedKvBuffer = options.SharedKvBuffer ?? config.Search.PastPresentShareBuffer;
        var limit = Math.Min(config.Model.ContextLength, config.Search.MaxLength);
        MaxSequenceLength = options.MaxSequenceLength > 0 ? Math.Min(options.MaxSequenceLength, limit) : limit;
        WeightsBytes = ModelDirectory.WeightsBytes(directory);
        EosTokenIds = config.Model.EosTokenIds.ToHashSet();
    }

    public string Directory { get; }

    public ModelIdentity Identity { get; }

    public GenAiConfig Config { get; }

    public Tokenizer Tokenizer { get; }

    /// <summary>Null when the model has no chat template (then only raw prompts can be served).</summary>
    public ChatTemplate? ChatTemplate { get; }

    public string ExecutionProvider { get; }

    public IReadOnlyList<ProviderAttempt> ProviderAttempts { get; }

    /// <summary>The options the model was opened with (threads, KV style, length, providers), for executors that open their own sessions.</summary>
    public ModelLoadOptions LoadOptions { get; }

    public KvCacheLayout KvLayout { get; }

    public bool SharedKvBuffer { get; }

    /// <summary>Positions one sequence may hold (prompt and completion).</summary>
    public int MaxSequenceLength { get; }

    /// <summary>KV cache a batch of <paramref name="slots"/> reserves at full context: every slot's with a shared
    /// buffer, one sequence's with a growing past (which decodes one sequence). The one place this is written.</summary>
    public long KvReservedBytes(int slots) => KvLayout.BytesPerSequence(MaxSequenceLength) * (SharedKvBuffer ? Math.Max(1, slots) : 1);

    /// <summary>Bytes of the ONNX files (weights) on disk.</summary>
    public long WeightsBytes { get; }

    public IReadOnlySet<int> EosTokenIds { get; }

    /// <summary>True when EdgeLLM's decoder computes logits only for the positions a run reads (see
    /// <see cref="ModelLoadOptions.SelectLogitsPositions"/>); false without a session of its own or when the graph's LM
    /// head is of a shape the rewrite does not know.</summary>
    public bool SelectsLogitsPositions => _session?.SelectsLogitsPositions ?? false;

    /// <summary>Where the decoder's prepacked weights came from (mapped from a saved form, saved as it loaded, or why
    /// neither); null without a session of its own on the CPU provider.</summary>
    public string? PrepackedWeights => _session?.PrepackedWeights;

    /// <summary>Prepacked weights the decoder maps from their saved form and the first run makes resident (loading does
    /// not read them, so the resident set measured at load leaves them out); 0 otherwise.</summary>
    public long MappedWeightBytes => _session?.MappedWeightBytes ?? 0;

    /// <summary>Opens a model directory.</summary>
    /// <exception cref="ModelLoadException">The model cannot be served, whatever the cause: a file missing or wrong (the
    /// message names the file and field or input), ONNX Runtime missing or refusing the graph (its message inside, also
    /// from the CPU fallback), the directory unreadable. The inner exception is the cause.</exception>
    public static LanguageModel Load(string directory, ModelLoadOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        try
        {
            return Open(directory, options, loggerFactory);
        }
        catch (Exception e) when (e is not ModelLoadException and not OutOfMemoryException)
        {
            // One type for callers: whichever layer failed (the ORT library, a provider, the CPU fallback, the disk), the
            // model is not served, and its message says why.
            throw new ModelLoadException($"{directory}: {e.Message}", e);
        }
    }

    private static LanguageModel Open(string directory, ModelLoadOptions? options, ILoggerFactory? loggerFactory)
    {
        options ??= new ModelLoadOptions();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LanguageModel>();
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException($"{directory}: model directory does not exist");
        }
        OrtLibrary.Load(options.OnnxRuntimeLibrary);
        if (loggerFactory is not null)
        {
            OrtEnvironment.Configure(loggerFactory);
        }
        OrtEnvironment.EnsureCreated();
        var config = GenAiConfig.Load(Path.Combine(directory, "genai_config.json"));
        Tokenizer tokenizer;
        try
        {
            tokenizer = Tokenizer.FromDirectory(directory);
        }
        catch (TokenizerLoadException e)
        {
            throw new ModelLoadException($"{directory}: {e.Message}", e);
        }
        ChatTemplate? template = null;
        if (tokenizer.Config.ChatTemplate is { } source)
        {
            try
            {
                template = ChatTemplate.Parse(source);
            }
            catch (ChatTemplateException e)
            {
                throw new ModelLoadException($"{directory}: chat template: {e.Message}", e);
            }
        }
        if (!options.OpenDecoderSession)
        {
            var named = options.Providers.Concat(config.Model.Decoder.SessionOptions.Providers).Select(p => ExecutionProviderSelector.Canonical(p.Name)).FirstOrDefault() ?? "CPUExecutionProvider";
            return new LanguageModel(directory, config, tokenizer, template, (null, named, []), options);
        }
        (DecoderSession? Session, string Provider, IReadOnlyList<ProviderAttempt> Attempts) opened;
        try
        {
            opened = ExecutionProviderSelector.Open(directory, config, options, logger);
        }
        catch (OnnxRuntimeException e)
        {
            // Session options from genai_config.json that this ONNX Runtime refuses (a config entry, a profile path).
            throw new ModelLoadException($"{directory}: ONNX Runtime refused the session options of genai_config.json: {OrtErrors.Message(e)}", e);
        }
        return new LanguageModel(directory, config, tokenizer, template, opened, options);
    }

    /// <summary>
    /// The prompt text for a request: <c>prompt</c>, or <c>messages</c> through the chat template. What the caller wrote
    /// is marked plain text (<see cref="Tokenizer.AsPlainText"/>), so that <see cref="EncodePrompt"/> makes special
    /// tokens only of the template's markup; a raw prompt is, when <see cref="GenerationRequest.PromptIsPlainText"/> says so.
    /// </summary>
    /// <exception cref="GenerationException">bad_request when messages come for a model without a template or the template refuses them.</exception>
    public string RenderPrompt(GenerationRequest request)
    {
        if (request.Messages is null)
        {
            var prompt = request.Prompt ?? throw new GenerationException(GenerationErrorCode.BadRequest, "prompt or messages is required");
            return request.PromptIsPlainText ? Tokenizer.AsPlainText(prompt) : prompt;
        }
        if (ChatTemplate is null)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, $"model {Identity.Id} has no chat template: send a raw prompt") { Field = "messages" };
        }
        try
        {
            // Content is plain text: only the template's own markup may make control tokens (contract v1.2).
            return ChatTemplate.Render(request.Messages.Select(m => new ChatMessage(m.Role, Tokenizer.AsPlainText(m.Content))).ToList(), addGenerationPrompt: true,
                new ChatTemplateOptions { BosToken = Tokenizer.Config.BosToken, EosToken = Tokenizer.Config.EosToken });
        }
        catch (ChatTemplateException e)
        {
            throw new GenerationException(GenerationErrorCode.BadRequest, $"the model's chat template refused the messages: {e.Reason}", e) { Field = "messages" };
        }
    }

    /// <summary>Token ids of a rendered prompt. Templates already write BOS where the model wants it, so special
    /// tokens are added only to raw prompts of tokenizers configured to add them.</summary>
    public int[] EncodePrompt(string prompt, bool fromTemplate) => Tokenizer.Encode(prompt, addSpecialTokens: !fromTemplate);

    internal IDecodeBatch CreateBatch(int capacity) =>
        _session is null ? throw new InvalidOperationException($"{Identity.Id} was opened without a decoder session (ModelLoadOptions.OpenDecoderSession is false)") :
        SharedKvBuffer ? new SharedKvBatch(_session, capacity, MaxSequenceLength) : new GrowingKvBatch(_session, MaxSequenceLength);

    public void Dispose() => _session?.Dispose();
}
