using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLLM.Tokenizers.AddedTokens;
using EdgeLLM.Tokenizers.Backends;
using EdgeLLM.Tokenizers.Json;
using EdgeLLM.Tokenizers.Models;
using EdgeLLM.Tokenizers.PreTokenizers;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Tokenizers.Tiktoken;

/// <summary>
/// Byte-level BPE encoded and decoded by Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c>, built from the
/// file's own vocabulary (each token's bytes ranked by its id), Split regex and added tokens, for files shaped like
/// the ones it was measured on. It is the comparison side of the measurement in docs/ARCHITECTURE.md ("Tokenizers"),
/// plugged into a load as an <see cref="IExternalBackend"/> by the tests and the benchmark (which compiles this file
/// too): there it gives the reference's ids on the whole conformance corpus, but its tables cost about four times
/// EdgeLLM's compact ones, so production loads never use it and the shipped assembly does not reference the package.
/// </summary>
internal sealed class TiktokenBackend : IExternalBackend
{
    private readonly TiktokenTokenizer _tiktoken;

    private TiktokenBackend(TiktokenTokenizer tiktoken) => _tiktoken = tiktoken;

    /// <summary>
    /// The package's tokenizer for <paramref name="file"/>, or null when the file needs something tiktoken does
    /// not do the Hugging Face way (a normalizer other than NFC, a pre-tokenizer other than one Split regex
    /// plus the byte alphabet, added tokens that strip spaces, merges out of id order).
    /// </summary>
    public static TiktokenBackend? TryCreate(TokenizerSections file, BpeModel model, IReadOnlyList<AddedToken> added)
    {
        if (!model.IsPlain || !model.RanksFollowIds || Type(file["decoder"]) != "ByteLevel"
            || added.Any(a => a.LStrip || a.RStrip || a.SingleWord))
        {
            return null;
        }
        // Tiktoken takes a whole piece found in the vocabulary as one token; BPE without ignore_merges agrees
        // only if every such token is one merges can form (added tokens never reach the model).
        if (!model.IgnoresMerges && model.UnmergedTokens().Any(t => !added.Any(a => a.Content == t)))
        {
            return null;
        }
        var normalizerType = Type(file["normalizer"]);
        if (normalizerType is not (null or "NFC"))
        {
            return null;
        }
        if (SplitRegex(file["pre_tokenizer"]) is not { } regex)
        {
            return null;
        }
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in added)
        {
            specials[a.Content] = a.Id;
        }
        using var vocabulary = new MemoryStream(RankedBytes(model));
        var normalizer = normalizerType is null ? null : new NfcNormalizer();
        try
        {
            return new TiktokenBackend(TiktokenTokenizer.Create(vocabulary, new RegexPreTokenizer(regex, specials), normalizer, specials));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            // A vocabulary tiktoken rejects (two tokens with the same bytes, say) stays on EdgeLLM's own BPE.
            return null;
        }
    }

    /// <summary>Appends the ids of <paramref name="text"/> (added tokens included, no BOS/EOS).</summary>
    public void Encode(string text, List<int> ids) => ids.AddRange(_tiktoken.EncodeToIds(text));

    /// <summary>The text of ids that are all in the vocabulary or added tokens.</summary>
    public string Decode(IEnumerable<int> ids) => _tiktoken.Decode(ids);

    private static string? Type(JsonElement section) =>
        section.ValueKind == JsonValueKind.Object ? JsonNodeReader.String(section, "type") : null;

    /// <summary>GPT-2's regex for a splitting ByteLevel step, the pattern of a Split followed by a plain ByteLevel step.</summary>
    private static Regex? SplitRegex(JsonElement pre)
    {
        if (pre.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var type = JsonNodeReader.String(pre, "type");
        if (type == "ByteLevel")
        {
            return !JsonNodeReader.Bool(pre, "add_prefix_space", false) && JsonNodeReader.Bool(pre, "use_regex", true) ? ByteLevelPreTokenizer.Gpt2 : null;
        }
        if (type != "Sequence" || !pre.TryGetProperty("pretokenizers", out var steps) || steps.GetArrayLength() != 2)
        {
            return null;
        }
        var split = steps[0];
        var byteLevel = steps[1];
        var isSplit = JsonNodeReader.String(split, "type") == "Split" && JsonNodeReader.String(split, "behavior") == "Isolated"
            && !JsonNodeReader.Bool(split, "invert", false) && split.TryGetProperty("pattern", out var pattern)
            && pattern.TryGetProperty("Regex", out var source) && source.ValueKind == JsonValueKind.String;
        var plainByteLevel = JsonNodeReader.String(byteLevel, "type") == "ByteLevel"
            && !JsonNodeReader.Bool(byteLevel, "add_prefix_space", false) && !JsonNodeReader.Bool(byteLevel, "use_regex", true);
        return isSplit && plainByteLevel ? RegexFactory.Create(split.GetProperty("pattern").GetProperty("Regex").GetString()!) : null;
    }

    /// <summary>The vocabulary as a tiktoken file: each token's bytes in base64, then its id as the rank.</summary>
    private static byte[] RankedBytes(BpeModel model)
    {
        var text = new StringBuilder(model.Vocab.Count * 16);
        var bytes = new List<byte>(32);
        for (var id = 0; id < model.Vocab.Count; id++)
        {
            if (!model.Vocab.Contains(id))
            {
                continue;
            }
            bytes.Clear();
            ByteLevelAlphabet.AppendBytes(model.Vocab.Token(id), bytes);
            text.Append(Convert.ToBase64String([.. bytes])).Append(' ').Append(id).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
