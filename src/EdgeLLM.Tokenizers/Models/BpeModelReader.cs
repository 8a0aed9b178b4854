using System.Buffers;
using System.Collections;
using System.Text.Json;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// Reads tokenizer.json's <c>model</c> section straight from the file's UTF-8 with a <see cref="Utf8JsonReader"/>:
/// the vocabulary goes into a <see cref="TokenTableBuilder"/> and the merges into a <see cref="MergeTable"/> without a
/// DOM or a string per token, so loading a 152k-token vocabulary allocates little more than the tables it keeps.
/// </summary>
internal static class BpeModelReader
{
    /// <summary>Reads the model object at the reader (its StartObject) and leaves the reader on its EndObject.</summary>
    public static BpeModel Read(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model must be an object");
        string? type = null, unk = null, prefix = null, suffix = null;
        bool fuseUnk = false, byteFallback = false, ignoreMerges = false;
        Utf8JsonReader vocab = default, merges = default;
        bool hasVocab = false, hasMerges = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                // The vocabulary and merges are read once the whole object is known: merges need the vocabulary and the
                // subword prefix, which a file may list after them. A reader over one span is a cheap value to copy.
                case "vocab":
                    vocab = reader;
                    hasVocab = true;
                    break;
                case "merges":
                    merges = reader;
                    hasMerges = true;
                    break;
                case "type": type = OptionalString(ref reader); break;
                case "unk_token": unk = OptionalString(ref reader); break;
                case "continuing_subword_prefix": prefix = OptionalString(ref reader); break;
                case "end_of_word_suffix": suffix = OptionalString(ref reader); break;
                case "fuse_unk": fuseUnk = reader.TokenType == JsonTokenType.True; break;
                case "byte_fallback": byteFallback = reader.TokenType == JsonTokenType.True; break;
                case "ignore_merges": ignoreMerges = reader.TokenType == JsonTokenType.True; break;
                case "dropout" when reader.TokenType == JsonTokenType.Number && reader.GetDouble() > 0:
                    throw new TokenizerLoadException("tokenizer.json: model.dropout is not supported (it makes encoding random)");
            }
            reader.Skip();
        }
        if ((type ?? "BPE") != "BPE")
        {
            throw new TokenizerLoadException($"tokenizer.json: model type '{type}' is not supported (EdgeLLM supports BPE)");
        }
        if (!hasVocab)
        {
            throw new TokenizerLoadException("tokenizer.json: model.vocab is missing");
        }
        if (!hasMerges)
        {
            throw new TokenizerLoadException("tokenizer.json: model.merges is missing");
        }
        var table = ReadVocabulary(ref vocab);
        var options = new BpeOptions(unk, fuseUnk, byteFallback, ignoreMerges, prefix, suffix);
        var (mergeTable, ranksFollowIds, formed) = ReadMerges(ref merges, table, prefix);
        return new BpeModel(options, table, mergeTable, ranksFollowIds, formed);
    }

    private static TokenTable ReadVocabulary(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model.vocab must be an object of token: id");
        var builder = new TokenTableBuilder();
        var buffer = ArrayPool<char>.Shared.Rent(256);
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // The length first: CopyString may swap the buffer for a larger one.
                var length = CopyString(ref reader, ref buffer);
                var token = buffer.AsSpan(0, length);
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var id))
                {
                    throw new TokenizerLoadException($"tokenizer.json: model.vocab[\"{token}\"] must be an integer id");
                }
                builder.Add(token, id);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
        return builder.Build();
    }

    private static (MergeTable Table, bool RanksFollowIds, BitArray Formed) ReadMerges(ref Utf8JsonReader reader, TokenTable vocab, string? prefix)
    {
        Expect(ref reader, JsonTokenType.StartArray, "model.merges must be an array");
        var pairs = new List<long>(vocab.Count);
        var formedByRank = new List<int>(vocab.Count);
        var formed = new BitArray(vocab.Count);
        var lastFormed = -1;
        var ranksFollowIds = true;
        var left = ArrayPool<char>.Shared.Rent(256);
        var right = ArrayPool<char>.Shared.Rent(256);
        var merged = ArrayPool<char>.Shared.Rent(512);
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var rank = pairs.Count;
                ReadOnlySpan<char> l, r;
                if (reader.TokenType == JsonTokenType.String)
                {
                    var length = CopyString(ref reader, ref left);
                    var s = left.AsSpan(0, length);
                    var space = s.Length > 1 ? s[1..].IndexOf(' ') + 1 : 0;
                    if (space <= 0)
                    {
                        throw new TokenizerLoadException($"tokenizer.json: model.merges[{rank}] \"{s}\" is not two tokens separated by a space");
                    }
                    l = s[..space];
                    r = s[(space + 1)..];
                }
                else if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    var leftLength = CopyString(ref reader, ref left);
                    l = left.AsSpan(0, leftLength);
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        throw BadMerge(rank);
                    }
                    var rightLength = CopyString(ref reader, ref right);
                    r = right.AsSpan(0, rightLength);
                    if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
                    {
                        throw BadMerge(rank);
                    }
                }
                else
                {
                    throw BadMerge(rank);
                }
                // The merged token is left + right, less the right one's continuing-subword prefix.
                var rightPart = !string.IsNullOrEmpty(prefix) && r.StartsWith(prefix, StringComparison.Ordinal) ? r[prefix.Length..] : r;
                if (merged.Length < l.Length + rightPart.Length)
                {
                    ArrayPool<char>.Shared.Return(merged);
                    merged = ArrayPool<char>.Shared.Rent(l.Length + rightPart.Length);
                }
                l.CopyTo(merged);
                rightPart.CopyTo(merged.AsSpan(l.Length));
                if (vocab.TryGetId(l, out var li) && vocab.TryGetId(r, out var ri) && vocab.TryGetId(merged.AsSpan(0, l.Length + rightPart.Length), out var id))
                {
                    pairs.Add(MergeTable.Pack(li, ri));
                    formedByRank.Add(id);
                    ranksFollowIds &= id >= lastFormed;
                    lastFormed = id;
                    formed[id] = true;
                }
                else
                {
                    pairs.Add(0);
                    formedByRank.Add(-1);
                    ranksFollowIds = false;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(left);
            ArrayPool<char>.Shared.Return(right);
            ArrayPool<char>.Shared.Return(merged);
        }
        return (new MergeTable(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs), [.. formedByRank]), ranksFollowIds, formed);
    }

    private static TokenizerLoadException BadMerge(int rank) => new($"tokenizer.json: model.merges[{rank}] must be \"a b\" or [\"a\", \"b\"]");

    /// <summary>Unescapes the current string token into <paramref name="buffer"/> (swapped for a larger one from the
    /// pool when short, so callers take the span after the call); returns its length.</summary>
    private static int CopyString(ref Utf8JsonReader reader, ref char[] buffer)
    {
        // Unescaped UTF-8 never has fewer bytes than the UTF-16 code units it decodes to.
        var needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (buffer.Length < needed)
        {
            ArrayPool<char>.Shared.Return(buffer);
            buffer = ArrayPool<char>.Shared.Rent(needed);
        }
        return reader.CopyString(buffer);
    }

    private static string? OptionalString(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            throw new TokenizerLoadException($"tokenizer.json: {message}");
        }
    }
}
