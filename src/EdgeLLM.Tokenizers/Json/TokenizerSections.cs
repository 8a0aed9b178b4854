using System.Text.Json;
using EdgeLLM.Tokenizers.Models;

namespace EdgeLLM.Tokenizers.Json;

/// <summary>
/// tokenizer.json read in one pass over its UTF-8: the BPE model streamed into its compact tables
/// (<see cref="BpeModelReader"/>), and the small sections the pipeline is built from (normalizer, pre-tokenizer,
/// post-processor, decoder, added tokens) as documents of their own. Dispose after building the tokenizer.
/// </summary>
internal sealed class TokenizerSections : IDisposable
{
    private readonly Dictionary<string, JsonDocument> _documents;

    private TokenizerSections(BpeModel model, Dictionary<string, JsonDocument> documents)
    {
        Model = model;
        _documents = documents;
    }

    public BpeModel Model { get; }

    /// <summary>A section's value, or an undefined element when the file has none.</summary>
    public JsonElement this[string name] => _documents.TryGetValue(name, out var d) ? d.RootElement : default;

    public static TokenizerSections Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var documents = new Dictionary<string, JsonDocument>(StringComparer.Ordinal);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TokenizerLoadException("tokenizer.json: the top level must be an object");
            }
            BpeModel? model = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "model":
                        model = BpeModelReader.Read(ref reader);
                        break;
                    case "normalizer" or "pre_tokenizer" or "post_processor" or "decoder" or "added_tokens":
                        documents[name] = JsonDocument.ParseValue(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return new TokenizerSections(model ?? throw new TokenizerLoadException("tokenizer.json: (top level).model is missing"), documents);
        }
        catch
        {
            foreach (var d in documents.Values)
            {
                d.Dispose();
            }
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var d in _documents.Values)
        {
            d.Dispose();
        }
    }
}
