using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// The decoder ONNX session of a GenAI-layout model, checked against its <c>genai_config.json</c>: every input
/// and output the configuration names exists with a usable type, and the graph asks for nothing else.
/// ONNX Runtime's own errors while loading become <see cref="ModelLoadException"/> with ORT's message and code
/// (<see cref="ModelLoadException.OnnxRuntimeError"/>: an invalid graph, a corrupt file, a provider's failure).
/// When asked, the graph is loaded with an index input that selects the positions whose logits are computed
/// (<see cref="LogitsIndexGraph"/>), and a reshaped external weight is mapped again rather than copied
/// (<see cref="ExternalWeightReshapes"/>); the file on disk is not changed.
/// </summary>
internal sealed class DecoderSession : IDisposable
{
    public DecoderSession(string modelDirectory, GenAiConfig config, SessionOptions options, bool selectLogitsPositions = true)
    {
        var decoder = config.Model.Decoder;
        Config = config;
        var path = Path.Combine(modelDirectory, decoder.Filename);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: the decoder file named by genai_config.json model.decoder.filename does not exist");
        }
        OrtEnvironment.EnsureCreated();
        var (rewritten, selects) = Rewritten(path, decoder.Filename, decoder.Outputs.Logits, selectLogitsPositions);
        if (rewritten is not null)
        {
            // Loaded from memory, ORT finds external weights relative to this folder instead of the file's.
            options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetFullPath(modelDirectory));
        }
        Session = Created(path, () => rewritten is null ? new InferenceSession(path, options) : new InferenceSession(rewritten, options));
        SelectsLogitsPositions = selects;
        (KvType, LogitsType, HasPositionIds, RunOptions) = Checked(path);
    }

    /// <summary>A decoder ONNX Runtime saved earlier with its weights prepacked (<see cref="PrepackedWeightsCache"/>):
    /// EdgeLLM's edits are already in it, so it loads from its path as it is.</summary>
    private DecoderSession(GenAiConfig config, string savedModel, SessionOptions options)
    {
        Config = config;
        OrtEnvironment.EnsureCreated();
        Session = Created(savedModel, () => new InferenceSession(savedModel, options));
        SelectsLogitsPositions = Session.InputMetadata.ContainsKey(LogitsIndexGraph.InputName);
        MappedWeightBytes = PackedBytes(savedModel);
        LogitsSelection = SelectsLogitsPositions
            ? "logits computed for the positions a run selects (saved graph)"
            : "every position's logits computed (saved graph)";
        (KvType, LogitsType, HasPositionIds, RunOptions) = Checked(savedModel);
    }

    /// <summary>Opens the decoder saved at <paramref name="savedModel"/> with its prepacked weights.</summary>
    public static DecoderSession FromSaved(GenAiConfig config, string savedModel, SessionOptions options) => new(config, savedModel, options);

    private static long PackedBytes(string savedModel)
    {
        try
        {
            return SavedPrepackedWeights.Bytes(File.ReadAllBytes(savedModel));
        }
        catch (InvalidDataException)
        {
            // ONNX Runtime loaded it, so this does not happen; the footprint then counts what loading made resident.
            return 0;
        }
    }

    private static InferenceSession Created(string path, Func<InferenceSession> create)
    {
        try
        {
            return create();
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"{path}: ONNX Runtime cannot load it: {OrtErrors.Message(e)}", e);
        }
    }

    /// <summary>The graph checked against the configuration; the session is disposed when it does not match.</summary>
    private (TensorElementType Kv, TensorElementType Logits, bool Positions, RunOptions Run) Checked(string path)
    {
        try
        {
            var (kv, logits, positions) = Validate(path, Config.Model.Decoder);
            return (kv, logits, positions, new RunOptions());
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    public InferenceSession Session { get; }

    /// <summary>Made once and passed to every run, so a run allocates no options of its own.</summary>
    public RunOptions RunOptions { get; }

    public GenAiConfig Config { get; }

    public GenAiDecoderConfig Decoder => Config.Model.Decoder;

    /// <summary>Float or Float16: the KV cache's element type.</summary>
    public TensorElementType KvType { get; }

    public TensorElementType LogitsType { get; }

    public bool HasPositionIds { get; }

    /// <summary>True when runs pass <see cref="LogitsIndexGraph.InputName"/> and get logits for those positions only.</summary>
    public bool SelectsLogitsPositions { get; }

    /// <summary>Why logits are (or are not) computed for selected positions only: for the load log.</summary>
    public string LogitsSelection { get; private set; } = "every position's logits computed (selection not asked for)";

    /// <summary>Where the prepacked weights came from (<see cref="PrepackedWeightsCache"/>); null when not on the CPU provider.</summary>
    public string? PrepackedWeights { get; internal set; }

    /// <summary>Prepacked weights mapped from a saved form (<see cref="FromSaved"/>): not resident after loading, all of
    /// them once the first run has read them; 0 when the session prepacked its weights itself.</summary>
    public long MappedWeightBytes { get; }

    /// <summary>Bytes of inline weights loaded from their range of the model file (<see cref="InlineWeightRanges"/>).</summary>
    public long InlineWeightBytes { get; private set; }

    /// <summary>What the graph's reshaped external weights came to (<see cref="ExternalWeightReshapes"/>): for the load log.</summary>
    public ExternalWeightReshapes.Folded FoldedReshapes { get; private set; }

    /// <summary>
    /// The model's bytes with EdgeLLM's load-time edits (inline weights pointed at their file range, then external
    /// weights' reshapes folded, then the logits index input when asked for), or null when none applies and ORT loads
    /// the file from its path; and whether logits are selected.
    /// </summary>
    private (byte[]? Model, bool SelectsLogits) Rewritten(string path, string fileName, string logitsName, bool selectLogits)
    {
        byte[] model;
        try
        {
            model = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ModelLoadException($"{path}: cannot read it: {e.Message}", e);
        }
        try
        {
            // The first edit: its offsets are the file's own.
            var pointed = InlineWeightRanges.TryPoint(model, fileName, out var inline);
            InlineWeightBytes = inline;
            var folded = ExternalWeightReshapes.TryFold(pointed ?? model, out var reshapes) ?? pointed;
            FoldedReshapes = reshapes;
            if (!selectLogits)
            {
                return (folded, false);
            }
            var selecting = LogitsIndexGraph.TryRewrite(folded ?? model, logitsName, out var reason);
            LogitsSelection = selecting is null ? $"every position's logits computed: {reason}" : reason;
            return (selecting ?? folded, selecting is not null);
        }
        catch (InvalidDataException e)
        {
            // Loaded from its path, ONNX Runtime then reports the file in its own words and error code.
            LogitsSelection = $"every position's logits computed: the graph could not be read ({e.Message})";
            return (null, false);
        }
    }

    private (TensorElementType Kv, TensorElementType Logits, bool Positions) Validate(string path, GenAiDecoderConfig d)
    {
        var file = Path.GetFileName(path);
        var inputs = Session.InputMetadata.Select(p => new GraphIo(p.Key, p.Value)).ToDictionary(i => i.Name, StringComparer.Ordinal);
        var outputs = Session.OutputMetadata.Select(p => new GraphIo(p.Key, p.Value)).ToDictionary(o => o.Name, StringComparer.Ordinal);
        var expected = new HashSet<string>(StringComparer.Ordinal);

        GraphIo Input(string name, string field)
        {
            expected.Add(name);
            return inputs.TryGetValue(name, out var m) ? m
                : throw new ModelLoadException($"{file}: input '{name}' (genai_config.json model.decoder.inputs.{field}) is not in the graph; its inputs are {string.Join(", ", inputs.Keys)}");
        }

        GraphIo Output(string name, string field) => outputs.TryGetValue(name, out var m) ? m
            : throw new ModelLoadException($"{file}: output '{name}' (genai_config.json model.decoder.outputs.{field}) is not in the graph; its outputs are {string.Join(", ", outputs.Keys)}");

        static void Expect(GraphIo m, TensorElementType type, int rank, string file)
        {
            if (m.ElementType != type || m.Shape.Length != rank)
            {
                throw new ModelLoadException($"{file}: '{m.Name}' is {m}, expected a rank-{rank} {type} tensor");
            }
        }

        Expect(Input(d.Inputs.InputIds, "input_ids"), TensorElementType.Int64, 2, file);
        Expect(Input(d.Inputs.AttentionMask, "attention_mask"), TensorElementType.Int64, 2, file);
        var positions = d.Inputs.PositionIds is { } p;
        if (positions)
        {
            Expect(Input(d.Inputs.PositionIds!, "position_ids"), TensorElementType.Int64, 2, file);
        }
        var logits = Output(d.Outputs.Logits, "logits");
        if (logits.ElementType is not (TensorElementType.Float or TensorElementType.Float16) || logits.Shape.Length != 3)
        {
            throw new ModelLoadException($"{file}: logits '{logits.Name}' is {logits}, expected [batch, sequence, vocab] float or float16");
        }
        if (logits.Shape[2] > 0 && logits.Shape[2] != Config.Model.VocabSize)
        {
            throw new ModelLoadException($"{file}: logits have {logits.Shape[2]} entries per token but genai_config.json model.vocab_size is {Config.Model.VocabSize}");
        }

        TensorElementType? kv = null;
        for (var layer = 0; layer < d.NumHiddenLayers; layer++)
        {
            foreach (var (m, field) in new[]
                     {
                         (Input(d.Inputs.PastKey(layer), "past_key_names"), "past_key_names"),
                         (Input(d.Inputs.PastValue(layer), "past_value_names"), "past_value_names"),
                         (Output(d.Outputs.PresentKey(layer), "present_key_names"), "present_key_names"),
                         (Output(d.Outputs.PresentValue(layer), "present_value_names"), "present_value_names"),
                     })
            {
                if (m.ElementType is not (TensorElementType.Float or TensorElementType.Float16) || m.Shape.Length != 4)
                {
                    throw new ModelLoadException($"{file}: '{m.Name}' ({field}) is {m}, expected [batch, kv_heads, sequence, head_size] float or float16");
                }
                if ((m.Shape[1] > 0 && m.Shape[1] != d.NumKeyValueHeads) || (m.Shape[3] > 0 && m.Shape[3] != d.HeadSize))
                {
                    throw new ModelLoadException($"{file}: '{m.Name}' is {m} but genai_config.json says num_key_value_heads {d.NumKeyValueHeads} and head_size {d.HeadSize}");
                }
                if (kv is not null && kv != m.ElementType)
                {
                    throw new ModelLoadException($"{file}: '{m.Name}' is {m.ElementType} but other KV tensors are {kv}");
                }
                kv = m.ElementType;
            }
        }
        if (SelectsLogitsPositions)
        {
            Expect(Input(LogitsIndexGraph.InputName, "(added by EdgeLLM)"), TensorElementType.Int64, 3, file);
        }
        if (Session.InputMetadata.Count > d.NumHiddenLayers * 2 + 2 + (positions ? 1 : 0) + (SelectsLogitsPositions ? 1 : 0))
        {
            var extra = Session.InputNames.Where(n => !expected.Contains(n));
            throw new ModelLoadException($"{file}: graph input(s) {string.Join(", ", extra)} are not described by genai_config.json model.decoder.inputs; EdgeLLM cannot feed them");
        }
        return (kv!.Value, logits.ElementType, positions);
    }

    public void Dispose()
    {
        RunOptions.Dispose();
        Session.Dispose();
    }

    /// <summary>A graph input or output as the checks read it: name, element type, dimensions (-1 where dynamic).</summary>
    private sealed record GraphIo(string Name, TensorElementType ElementType, long[] Shape, string[] Symbols)
    {
        public GraphIo(string name, NodeMetadata m)
            : this(name, m.IsTensor ? m.ElementDataType : TensorElementType.DataTypeMax, Array.ConvertAll(m.Dimensions, d => (long)d), m.SymbolicDimensions)
        {
        }

        public override string ToString() =>
            $"{Name}: {ElementType}[{string.Join(", ", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i < Symbols.Length && Symbols[i].Length > 0 ? Symbols[i] : "?"))}]";
    }
}
