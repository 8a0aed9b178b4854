using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLLM.Tokenizers.AddedTokens;
using EdgeLLM.Tokenizers.Backends;
using EdgeLLM.Tokenizers.Decoders;
using EdgeLLM.Tokenizers.Json;
using EdgeLLM.Tokenizers.Models;
using EdgeLLM.Tokenizers.Normalizers;
using EdgeLLM.Tokenizers.PostProcessors;
using EdgeLLM.Tokenizers.PreTokenizers;

namespace EdgeLLM.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> tokenizer (BPE, byte-level or SentencePiece-style): added tokens are
/// matched first, the rest is normalized, pre-tokenized and encoded by the model, and the post-processor adds
/// BOS/EOS when asked. EdgeLLM's own BPE over compact tables encodes and decodes every file (Microsoft.ML.Tokenizers
/// is only the measured comparison, plugged in by the tests and the benchmark as an <see cref="IExternalBackend"/>:
/// docs/ARCHITECTURE.md, "Tokenizers"). Safe to use from several threads.
/// </summary>
public sealed class Tokenizer
{
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly BpeModel _model;
    private readonly IExternalBackend? _external;
    private readonly IPostProcessor? _postProcessor;
    private readonly IDecoder? _decoder;
    private readonly AddedTokenMatcher _rawAdded;
    private readonly AddedTokenMatcher _normalizedAdded;
    private readonly AddedTokenMatcher _specialAdded;
    private readonly Dictionary<string, int> _addedIds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _addedById = [];
    // Ids flagged special (dropped when decoding skips special tokens).
    private readonly BitArray _special;
    // Ids whose text is an added token's: the byte-level decoder passes that text through instead of mapping it to bytes.
    private readonly BitArray _addedText;
    // Each vocabulary token's bytes, for byte-level decoders (null otherwise).
    private readonly TokenBytes? _bytes;
    // The regex whose matches are the words, for the byte-level pre-tokenizers of popular files (see ByteLevelSplit).
    private readonly Regex? _byteLevelSplit;
    // Scratch lists of one encode, per thread: a Tokenizer is shared by every request.
    [ThreadStatic]
    private static EncodeScratch? t_scratch;

    private Tokenizer(TokenizerSections file, TokenizerConfig config, ExternalBackendFactory? external)
    {
        Config = config;
        _model = file.Model;
        var added = new List<AddedToken>();
        if (file["added_tokens"] is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var a in list.EnumerateArray())
            {
                var token = new AddedToken(a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!,
                    JsonNodeReader.Bool(a, "special", false), JsonNodeReader.Bool(a, "lstrip", false), JsonNodeReader.Bool(a, "rstrip", false),
                    JsonNodeReader.Bool(a, "single_word", false), JsonNodeReader.Bool(a, "normalized", !JsonNodeReader.Bool(a, "special", false)));
                added.Add(token);
                _addedIds[token.Content] = token.Id;
                _addedById[token.Id] = token.Content;
            }
        }
        _normalizer = NormalizerFactory.Create(file["normalizer"]);
        _preTokenizer = PreTokenizerFactory.Create(file["pre_tokenizer"]);
        _byteLevelSplit = ByteLevelSplit.PatternOf(_preTokenizer);
        _postProcessor = PostProcessorFactory.Create(file["post_processor"], s => _addedIds.TryGetValue(s, out var id) ? id : null);
        _decoder = DecoderFactory.Create(file["decoder"], new HashSet<string>(added.Select(a => a.Content), StringComparer.Ordinal));
        // Normalized added tokens are matched in normalized text; when there is no normalizer that is the raw text.
        _rawAdded = new AddedTokenMatcher(added.Where(a => !a.Normalized || _normalizer is null));
        _normalizedAdded = new AddedTokenMatcher(_normalizer is null ? [] : added.Where(a => a.Normalized));
        // Control tokens: those flagged special and those tokenizer_config.json lists as additional special tokens.
        _specialAdded = new AddedTokenMatcher(added.Where(a => a.Special || config.AdditionalSpecialTokens.Contains(a.Content)));

        VocabSize = Math.Max(_model.Vocab.Count, added.Count == 0 ? 0 : added.Max(a => a.Id) + 1);
        _special = new BitArray(VocabSize);
        _addedText = new BitArray(VocabSize);
        foreach (var a in added)
        {
            _special[a.Id] = a.Special;
            _addedText[a.Id] = true;
            // A vocabulary token spelled like an added token decodes as that text too.
            if (_model.TryGetId(a.Content, out var same) && !_addedById.ContainsKey(same))
            {
                _addedText[same] = true;
            }
        }
        foreach (var extra in config.AdditionalSpecialTokens)
        {
            if (TokenToId(extra) is { } id && id < VocabSize)
            {
                _special[id] = true;
            }
        }
        if (IsByteLevel)
        {
            _bytes = new TokenBytes(_model.Vocab);
        }
        _external = external?.Invoke(file, _model, added);
    }

    /// <summary>True when an external backend (the measured comparison) encodes and decodes for this file.</summary>
    internal bool UsesExternalBackend => _external is not null;

    public TokenizerConfig Config { get; }

    /// <summary>One more than the largest token id.</summary>
    public int VocabSize { get; }

    /// <summary>Bytes of EdgeLLM's own vocabulary, merge and token-bytes tables (the word cache and the package's
    /// tables, when it is used, come on top).</summary>
    internal long TableBytes => _model.TableBytes + (_bytes?.Bytes ?? 0) + 2L * VocabSize / 8;

    /// <summary>Loads <c>tokenizer.json</c> with <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and
    /// <c>chat_template.jinja</c> from a model directory.</summary>
    public static Tokenizer FromDirectory(string directory) => FromDirectory(directory, external: null);

    /// <summary>Loads a model directory; <paramref name="external"/> may hand the file to another implementation
    /// (the conformance tests and the benchmark compare Microsoft.ML.Tokenizers this way; production passes none).</summary>
    internal static Tokenizer FromDirectory(string directory, ExternalBackendFactory? external) => FromFile(
        Path.Combine(directory, "tokenizer.json"), Path.Combine(directory, "tokenizer_config.json"),
        Path.Combine(directory, "special_tokens_map.json"), Path.Combine(directory, "chat_template.jinja"), external);

    public static Tokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath = null, string? specialTokensMapPath = null, string? chatTemplatePath = null) =>
        FromFile(tokenizerJsonPath, tokenizerConfigPath, specialTokensMapPath, chatTemplatePath, external: null);

    private static Tokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath, string? specialTokensMapPath, string? chatTemplatePath, ExternalBackendFactory? external)
    {
        MappedFile json;
        try
        {
            json = new MappedFile(tokenizerJsonPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{tokenizerJsonPath}: cannot be read: {e.Message}", e);
        }
        using (json)
        {
            return FromUtf8(json.Bytes, TokenizerConfig.Load(tokenizerConfigPath, specialTokensMapPath, chatTemplatePath), external);
        }
    }

    public static Tokenizer FromJson(string tokenizerJson, TokenizerConfig? config = null) => FromJson(tokenizerJson, config, external: null);

    internal static Tokenizer FromJson(string tokenizerJson, TokenizerConfig? config, ExternalBackendFactory? external) =>
        FromUtf8(Encoding.UTF8.GetBytes(tokenizerJson), config, external);

    private static Tokenizer FromUtf8(ReadOnlySpan<byte> tokenizerJson, TokenizerConfig? config, ExternalBackendFactory? external)
    {
        try
        {
            // A UTF-8 byte order mark is allowed before the JSON, as JsonDocument allows it.
            using var file = TokenizerSections.Read(tokenizerJson.StartsWith(Utf8Bom) ? tokenizerJson[Utf8Bom.Length..] : tokenizerJson);
            return new Tokenizer(file, config ?? TokenizerConfig.Empty, external);
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

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

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
        if (_external is not null && !text.Contains(PlainTextMark, StringComparison.Ordinal))
        {
            _external.Encode(text, ids);
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
        var scratch = t_scratch ??= new EncodeScratch();
        var segments = scratch.Segments;
        var normalizedSegments = scratch.NormalizedSegments;
        segments.Clear();
        _rawAdded.Split(text, atStart: true, segments);
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
            foreach (var part in normalizedSegments)
            {
                if (part.TokenId is { } nid)
                {
                    ids.Add(nid);
                    continue;
                }
                // The marks AsPlainText left kept the added-token matchers off this text; they are not part of it.
                var s = part.Text.Contains(PlainTextMark, StringComparison.Ordinal)
                    ? part with { Text = part.Text.Replace(PlainTextMark.ToString(), "", StringComparison.Ordinal) }
                    : part;
                if (_byteLevelSplit is not null)
                {
                    EncodeByteLevelWords(s.Text, ids);
                }
                else
                {
                    EncodePieces(s, scratch, ids);
                }
            }
        }
    }

    private void EncodePieces(Segment segment, EncodeScratch scratch, List<int> ids)
    {
        var pieces = scratch.Pieces;
        var words = scratch.Words;
        pieces.Clear();
        words.Clear();
        pieces.Add(new Piece(segment.Text, segment.AtStart));
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

    /// <summary>
    /// The byte-level pre-tokenizer and the model in one pass: each regex match (and any text between matches) is
    /// written in the byte alphabet into a buffer and looked up in the word cache by its characters, so a cached
    /// word costs no allocation. Gives the words the pre-tokenizer objects give (Isolated split, zero-length
    /// matches skipped).
    /// </summary>
    private void EncodeByteLevelWords(string text, List<int> ids)
    {
        var last = 0;
        foreach (var m in _byteLevelSplit!.EnumerateMatches(text))
        {
            if (m.Length == 0)
            {
                continue;
            }
            if (m.Index > last)
            {
                EncodeByteLevelWord(text.AsSpan(last, m.Index - last), ids);
            }
            EncodeByteLevelWord(text.AsSpan(m.Index, m.Length), ids);
            last = m.Index + m.Length;
        }
        if (last < text.Length)
        {
            EncodeByteLevelWord(text.AsSpan(last), ids);
        }
    }

    private void EncodeByteLevelWord(ReadOnlySpan<char> word, List<int> ids)
    {
        const int StackBytes = 256;
        var max = Encoding.UTF8.GetMaxByteCount(word.Length);
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        var bytes = max <= StackBytes ? stackalloc byte[StackBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent(max));
        var count = Encoding.UTF8.GetBytes(word, bytes);
        var chars = count <= StackBytes ? stackalloc char[StackBytes] : (rentedChars = ArrayPool<char>.Shared.Rent(count));
        for (var i = 0; i < count; i++)
        {
            chars[i] = ByteLevelAlphabet.ByteToChar[bytes[i]];
        }
        _model.Tokenize(chars[..count], ids);
        if (rentedBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(rentedBytes);
        }
        if (rentedChars is not null)
        {
            ArrayPool<char>.Shared.Return(rentedChars);
        }
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var text = _external is not null ? DecodeExternal(ids, skipSpecialTokens) : DecodeOwn(ids, skipSpecialTokens);
        return Config.CleanUpTokenizationSpaces ? CleanUp(text) : text;
    }

    /// <summary>False for ids decoding drops: those with no token always, special ones when asked.</summary>
    private bool Kept(int id, bool skipSpecialTokens) =>
        (uint)id < (uint)VocabSize && (_model.Vocab.Contains(id) || _addedById.ContainsKey(id)) && !(skipSpecialTokens && _special[id]);

    private string DecodeExternal(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var kept = new List<int>(ids.Length);
        foreach (var id in ids)
        {
            if (Kept(id, skipSpecialTokens))
            {
                kept.Add(id);
            }
        }
        return _external!.Decode(kept);
    }

    private string DecodeOwn(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        if (_bytes is not null)
        {
            return DecodeBytes(ids, skipSpecialTokens);
        }
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if (Kept(id, skipSpecialTokens))
            {
                tokens.Add(IdToToken(id)!);
            }
        }
        if (_decoder is null)
        {
            return string.Join(' ', tokens);
        }
        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <summary>
    /// The byte-level decoder over the token-bytes table: every kept token's bytes (an added token's text as UTF-8)
    /// in one buffer, read as UTF-8 once. The same text as decoding each run of byte tokens apart: an added token's
    /// text never starts with a continuation byte, so it ends an unfinished character exactly as a run's end does.
    /// </summary>
    private string DecodeBytes(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, ids.Length * 8));
        try
        {
            var length = 0;
            foreach (var id in ids)
            {
                if (!Kept(id, skipSpecialTokens))
                {
                    continue;
                }
                var text = _addedText[id] ? (_addedById.TryGetValue(id, out var content) ? content : IdToToken(id)) : null;
                var needed = text is null ? _bytes![id].Length : Encoding.UTF8.GetMaxByteCount(text.Length);
                if (length + needed > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + needed));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                length += text is null ? Copy(_bytes![id], buffer.AsSpan(length)) : Encoding.UTF8.GetBytes(text, buffer.AsSpan(length));
            }
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    /// <summary>A decoder for tokens as they are generated; see <see cref="TokenizerStream"/>.</summary>
    public TokenizerStream CreateStream(bool skipSpecialTokens = true) => new(this, skipSpecialTokens);

    public int? TokenToId(string token) => _addedIds.TryGetValue(token, out var a) ? a : _model.TryGetId(token, out var id) ? id : null;

    /// <summary>The token's text as the vocabulary spells it (an added token's content); a new string per call.</summary>
    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var added) ? added : _model.Vocab.Contains(id) ? new string(_model.Vocab.Token(id)) : null;

    /// <summary>True for added tokens flagged special (dropped by decoding with skipSpecialTokens).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)VocabSize && _special[id];

    /// <summary>True when the decoder is plain byte-level, so text can be decoded byte by byte.</summary>
    internal bool IsByteLevel => _decoder is ByteLevelDecoder;

    /// <summary>
    /// The UTF-8 bytes a token stands for under a byte-level decoder (empty for an id with no token, which
    /// decoding skips). False for added tokens: the byte-level decoder passes their text through unmapped.
    /// </summary>
    internal bool TryGetByteLevelBytes(int id, out ReadOnlySpan<byte> bytes)
    {
        if ((uint)id < (uint)VocabSize && _addedText[id])
        {
            bytes = default;
            return false;
        }
        bytes = _bytes is null ? default : _bytes[id];
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
        var token = _model.Vocab.Token(id);
        if (token.IsEmpty || _addedText[id])
        {
            return false;
        }
        if (_bytes is not null)
        {
            bytes = _bytes[id].ToArray();
            return true;
        }
        if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.Slice(3, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var b))
        {
            bytes = [b];
            return true;
        }
        bytes = Encoding.UTF8.GetBytes(token.ToString().Replace('\u2581', ' '));
        return true;
    }

    private static string CleanUp(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
}
