using System.Text;
using System.Text.Json;
using EdgeLLM.Tokenizers.AddedTokens;
using EdgeLLM.Tokenizers.Decoders;
using EdgeLLM.Tokenizers.Json;
using EdgeLLM.Tokenizers.Models;
using EdgeLLM.Tokenizers.Normalizers;
using EdgeLLM.Tokenizers.PostProcessors;
using EdgeLLM.Tokenizers.PreTokenizers;
using EdgeLLM.Tokenizers.Tiktoken;

namespace EdgeLLM.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> tokenizer (BPE, byte-level or SentencePiece-style): added tokens are
/// matched first, the rest is normalized, pre-tokenized and encoded by the model, and the post-processor adds
/// BOS/EOS when asked. Byte-level files of the measured shape are encoded and decoded by Microsoft.ML.Tokenizers
/// (see <c>TiktokenBackend</c>); everything else by EdgeLLM's own BPE. Safe to use from several threads.
/// </summary>
public sealed class Tokenizer
{
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly BpeModel _model;
    private readonly TiktokenBackend? _tiktoken;
    private readonly IPostProcessor? _postProcessor;
    private readonly IDecoder? _decoder;
    private readonly AddedTokenMatcher _rawAdded;
    private readonly AddedTokenMatcher _normalizedAdded;
    private readonly AddedTokenMatcher _specialAdded;
    private readonly string[] _idToToken;
    private readonly bool[] _special;
    private readonly Dictionary<string, int> _addedIds = new(StringComparer.Ordinal);
    private static readonly byte[] AddedTokenMarker = new byte[1];
    private byte[]?[]? _byteLevelBytes;

    private Tokenizer(JsonElement root, TokenizerConfig config, bool allowPackage)
    {
        Config = config;
        var model = JsonNodeReader.Get(root, "model", "(top level)");
        var modelType = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
        if (modelType != "BPE")
        {
            throw new TokenizerLoadException($"tokenizer.json: model type '{modelType}' is not supported (EdgeLLM supports BPE)");
        }
        _model = new BpeModel(model);
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in list.EnumerateArray())
            {
                var token = new AddedToken(a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!,
                    JsonNodeReader.Bool(a, "special", false), JsonNodeReader.Bool(a, "lstrip", false), JsonNodeReader.Bool(a, "rstrip", false),
                    JsonNodeReader.Bool(a, "single_word", false), JsonNodeReader.Bool(a, "normalized", !JsonNodeReader.Bool(a, "special", false)));
                added.Add(token);
                _addedIds[token.Content] = token.Id;
            }
        }
        _normalizer = NormalizerFactory.Create(Section(root, "normalizer"));
        _preTokenizer = PreTokenizerFactory.Create(Section(root, "pre_tokenizer"));
        _postProcessor = PostProcessorFactory.Create(Section(root, "post_processor"), s => _addedIds.TryGetValue(s, out var id) ? id : null);
        _decoder = DecoderFactory.Create(Section(root, "decoder"), new HashSet<string>(added.Select(a => a.Content), StringComparer.Ordinal));
        // Normalized added tokens are matched in normalized text; when there is no normalizer that is the raw text.
        _rawAdded = new AddedTokenMatcher(added.Where(a => !a.Normalized || _normalizer is null));
        _normalizedAdded = new AddedTokenMatcher(_normalizer is null ? [] : added.Where(a => a.Normalized));
        // Control tokens: those flagged special and those tokenizer_config.json lists as additional special tokens.
        _specialAdded = new AddedTokenMatcher(added.Where(a => a.Special || config.AdditionalSpecialTokens.Contains(a.Content)));

        var size = Math.Max(_model.Vocab.Count == 0 ? 0 : _model.Vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(a => a.Id) + 1);
        _idToToken = new string[size];
        _special = new bool[size];
        foreach (var (token, id) in _model.Vocab)
        {
            _idToToken[id] = token;
        }
        foreach (var a in added)
        {
            _idToToken[a.Id] = a.Content;
            _special[a.Id] = a.Special;
        }
        foreach (var extra in config.AdditionalSpecialTokens)
        {
            if (TokenToId(extra) is { } id && id < _special.Length)
            {
                _special[id] = true;
            }
        }
        _tiktoken = allowPackage ? TiktokenBackend.TryCreate(root, _model, added) : null;
    }

    /// <summary>True when Microsoft.ML.Tokenizers encodes and decodes for this file (see <c>TiktokenBackend</c>).</summary>
    internal bool UsesPackage => _tiktoken is not null;

    public TokenizerConfig Config { get; }

    /// <summary>One more than the largest token id.</summary>
    public int VocabSize => _idToToken.Length;

    private static JsonElement Section(JsonElement root, string name) => root.TryGetProperty(name, out var v) ? v : default;

    /// <summary>Loads <c>tokenizer.json</c> with <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and
    /// <c>chat_template.jinja</c> from a model directory.</summary>
    public static Tokenizer FromDirectory(string directory) => FromDirectory(directory, allowPackage: true);

    /// <summary>Loads a model directory; <paramref name="allowPackage"/> false keeps every file on EdgeLLM's own BPE
    /// (the conformance tests and the benchmark hold both paths to the references).</summary>
    internal static Tokenizer FromDirectory(string directory, bool allowPackage) => FromFile(
        Path.Combine(directory, "tokenizer.json"), Path.Combine(directory, "tokenizer_config.json"),
        Path.Combine(directory, "special_tokens_map.json"), Path.Combine(directory, "chat_template.jinja"), allowPackage);

    public static Tokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath = null, string? specialTokensMapPath = null, string? chatTemplatePath = null) =>
        FromFile(tokenizerJsonPath, tokenizerConfigPath, specialTokensMapPath, chatTemplatePath, allowPackage: true);

    private static Tokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath, string? specialTokensMapPath, string? chatTemplatePath, bool allowPackage)
    {
        string json;
        try
        {
            json = File.ReadAllText(tokenizerJsonPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{tokenizerJsonPath}: cannot be read: {e.Message}", e);
        }
        return FromJson(json, TokenizerConfig.Load(tokenizerConfigPath, specialTokensMapPath, chatTemplatePath), allowPackage);
    }

    public static Tokenizer FromJson(string tokenizerJson, TokenizerConfig? config = null) => FromJson(tokenizerJson, config, allowPackage: true);

    internal static Tokenizer FromJson(string tokenizerJson, TokenizerConfig? config, bool allowPackage)
    {
        try
        {
            using var doc = JsonDocument.Parse(tokenizerJson);
            return new Tokenizer(doc.RootElement, config ?? TokenizerConfig.Empty, allowPackage);
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"tokenizer.json: not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new TokenizerLoadException($"tokenizer.json: malformed: {e.Message}", e);
        }
    }

    /// <summary>
    /// The character <see cref="AsPlainText"/> puts before each special token it finds: the encoder matches no added
    /// token right after it and drops it. A noncharacter (U+FDD0), so no real text needs it.
    /// </summary>
    public const char PlainTextMark = AddedTokenMatcher.PlainTextMark;

    /// <summary>
    /// <paramref name="text"/> made to encode as plain text even where it spells a special token (<c>&lt;|im_end|&gt;</c>,
    /// <c>&lt;/s&gt;</c>): each is preceded by <see cref="PlainTextMark"/>, so <see cref="Encode(string, bool)"/> gives
    /// it the ordinary tokens of its characters. Message content, tool results and names go through this before the
    /// chat template is rendered, so that only the template's own markup makes control tokens (contract v1.2: a sensor
    /// or a user cannot close its turn and write a forged one). Marks already in the text become U+FFFD. Everything
    /// else is left as it is, so template filters (trim, split) see the same text.
    /// </summary>
    public string AsPlainText(string text) => _specialAdded.MarkPlain(text);

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        Encode(text, ids, addSpecialTokens);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>.</summary>
    public void Encode(string text, List<int> ids, bool addSpecialTokens = true)
    {
        var start = ids.Count;
        // Text marked plain goes through EdgeLLM's own BPE, which honours the marks (it gives the same ids as the
        // package on everything else, see the conformance tests).
        if (_tiktoken is not null && !text.Contains(PlainTextMark, StringComparison.Ordinal))
        {
            _tiktoken.Encode(text, ids);
        }
        else
        {
            EncodeOwn(text, ids);
        }
        if (addSpecialTokens && _postProcessor is not null)
        {
            var tail = ids.GetRange(start, ids.Count - start);
            _postProcessor.Process(tail);
            ids.RemoveRange(start, ids.Count - start);
            ids.AddRange(tail);
        }
    }

    private void EncodeOwn(string text, List<int> ids)
    {
        var segments = new List<Segment>();
        _rawAdded.Split(text, atStart: true, segments);
        var normalizedSegments = new List<Segment>();
        var pieces = new List<Piece>();
        var words = new List<Piece>();
        foreach (var segment in segments)
        {
            if (segment.TokenId is { } id)
            {
                ids.Add(id);
                continue;
            }
            var normalized = _normalizer?.Normalize(segment.Text) ?? segment.Text;
            normalizedSegments.Clear();
            _normalizedAdded.Split(normalized, segment.AtStart, normalizedSegments);
            foreach (var s in normalizedSegments)
            {
                if (s.TokenId is { } nid)
                {
                    ids.Add(nid);
                    continue;
                }
                pieces.Clear();
                words.Clear();
                pieces.Add(new Piece(s.Text.Contains(PlainTextMark, StringComparison.Ordinal) ? s.Text.Replace(PlainTextMark.ToString(), "", StringComparison.Ordinal) : s.Text, s.AtStart));
                if (_preTokenizer is null)
                {
                    words.AddRange(pieces);
                }
                else
                {
                    _preTokenizer.PreTokenize(pieces, words);
                }
                foreach (var w in words)
                {
                    _model.Tokenize(w.Text, ids);
                }
            }
        }
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var text = _tiktoken is not null ? DecodePackage(ids, skipSpecialTokens) : DecodeOwn(ids, skipSpecialTokens);
        return Config.CleanUpTokenizationSpaces ? CleanUp(text) : text;
    }

    private string DecodePackage(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        // The same ids are dropped as on the own path: unknown ones always, special ones when asked.
        var kept = new List<int>(ids.Length);
        foreach (var id in ids)
        {
            if ((uint)id < (uint)_idToToken.Length && _idToToken[id] is not null && !(skipSpecialTokens && _special[id]))
            {
                kept.Add(id);
            }
        }
        return _tiktoken!.Decode(kept);
    }

    private string DecodeOwn(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_idToToken.Length || _idToToken[id] is null)
            {
                continue;
            }
            if (skipSpecialTokens && _special[id])
            {
                continue;
            }
            tokens.Add(_idToToken[id]);
        }
        if (_decoder is null)
        {
            return string.Join(' ', tokens);
        }
        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <summary>A decoder for tokens as they are generated; see <see cref="TokenizerStream"/>.</summary>
    public TokenizerStream CreateStream(bool skipSpecialTokens = true) => new(this, skipSpecialTokens);

    public int? TokenToId(string token) => _addedIds.TryGetValue(token, out var a) ? a : _model.TryGetId(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>True for added tokens flagged special (dropped by decoding with skipSpecialTokens).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_special.Length && _special[id];

    /// <summary>True when the decoder is plain byte-level, so text can be decoded byte by byte.</summary>
    internal bool IsByteLevel => _decoder is ByteLevelDecoder;

    /// <summary>
    /// The UTF-8 bytes a token stands for under a byte-level decoder (empty for an id with no token, which
    /// decoding skips). False for added tokens: the byte-level decoder passes their text through unmapped.
    /// Filled on first use, so a 150k-token vocabulary costs only the tokens a model actually generates.
    /// </summary>
    internal bool TryGetByteLevelBytes(int id, out byte[] bytes)
    {
        var cache = _byteLevelBytes ??= new byte[]?[_idToToken.Length];
        if ((uint)id >= (uint)cache.Length)
        {
            bytes = [];
            return true;
        }
        if (cache[id] is { } known)
        {
            bytes = known;
            return !ReferenceEquals(known, AddedTokenMarker);
        }
        var token = _idToToken[id];
        if (token is not null && _addedIds.ContainsKey(token))
        {
            cache[id] = AddedTokenMarker;
            bytes = [];
            return false;
        }
        var list = new List<byte>(token?.Length ?? 0);
        if (token is not null)
        {
            ByteLevelAlphabet.AppendBytes(token, list);
        }
        // A reference write: threads racing to fill the same entry store equal arrays.
        bytes = cache[id] = [.. list];
        return true;
    }

    /// <summary>
    /// The bytes a vocabulary token adds to the text, for matching tokens against byte-level constraints: exact for
    /// byte-level tokenizers; for SentencePiece-style ones <c>▁</c> stands for a space and <c>&lt;0xNN&gt;</c> for a byte.
    /// False for added and special tokens and ids with no token.
    /// </summary>
    public bool TryGetTokenBytes(int id, out byte[] bytes)
    {
        bytes = [];
        if ((uint)id >= (uint)_idToToken.Length || _idToToken[id] is not { } token || _addedIds.ContainsKey(token))
        {
            return false;
        }
        if (IsByteLevel)
        {
            return TryGetByteLevelBytes(id, out bytes);
        }
        if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var b))
        {
            bytes = [b];
            return true;
        }
        bytes = Encoding.UTF8.GetBytes(token.Replace('\u2581', ' '));
        return true;
    }

    private static string CleanUp(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
}
