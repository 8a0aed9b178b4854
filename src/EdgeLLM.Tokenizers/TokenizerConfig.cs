using System.Text.Json;

namespace EdgeLLM.Tokenizers;

/// <summary>
/// What <c>tokenizer_config.json</c> (with <c>special_tokens_map.json</c> and <c>chat_template.jinja</c>) says:
/// special token strings, whether BOS/EOS are added, decoding clean-up and the chat template(s).
/// </summary>
public sealed class TokenizerConfig
{
    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    public string? PadToken { get; init; }

    public string? UnkToken { get; init; }

    /// <summary>Null when the file does not say; the tokenizer's post-processor then decides.</summary>
    public bool? AddBosToken { get; init; }

    public bool? AddEosToken { get; init; }

    /// <summary>True unless the file says otherwise, as the reference implementation decides.</summary>
    public bool CleanUpTokenizationSpaces { get; init; } = true;

    /// <summary>Extra strings decoding drops with skipSpecialTokens (<c>additional_special_tokens</c>).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];

    public long? ModelMaxLength { get; init; }

    /// <summary>The default chat template, if any.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Named templates (<c>default</c>, <c>tool_use</c>, ...) when the file lists several.</summary>
    public IReadOnlyDictionary<string, string> ChatTemplates { get; init; } = new Dictionary<string, string>();

    public static TokenizerConfig Empty { get; } = new();

    /// <summary>Reads the config files of a model directory; absent files leave defaults.</summary>
    public static TokenizerConfig Load(string? tokenizerConfigPath, string? specialTokensMapPath = null, string? chatTemplatePath = null)
    {
        string? bos = null, eos = null, pad = null, unk = null, template = null;
        bool? addBos = null, addEos = null;
        var cleanUp = true;
        var additional = new List<string>();
        long? maxLength = null;
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (specialTokensMapPath is not null && File.Exists(specialTokensMapPath))
        {
            using var map = Parse(specialTokensMapPath);
            bos = TokenText(map.RootElement, "bos_token");
            eos = TokenText(map.RootElement, "eos_token");
            pad = TokenText(map.RootElement, "pad_token");
            unk = TokenText(map.RootElement, "unk_token");
        }
        if (tokenizerConfigPath is not null && File.Exists(tokenizerConfigPath))
        {
            using var doc = Parse(tokenizerConfigPath);
            var r = doc.RootElement;
            bos = TokenText(r, "bos_token") ?? bos;
            eos = TokenText(r, "eos_token") ?? eos;
            pad = TokenText(r, "pad_token") ?? pad;
            unk = TokenText(r, "unk_token") ?? unk;
            addBos = OptionalBool(r, "add_bos_token");
            addEos = OptionalBool(r, "add_eos_token");
            cleanUp = OptionalBool(r, "clean_up_tokenization_spaces") ?? true;
            if (r.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in extra.EnumerateArray())
                {
                    if ((x.ValueKind == JsonValueKind.String ? x.GetString() : x.ValueKind == JsonValueKind.Object && x.TryGetProperty("content", out var c) ? c.GetString() : null) is { } s)
                    {
                        additional.Add(s);
                    }
                }
            }
            if (r.TryGetProperty("model_max_length", out var m) && m.ValueKind == JsonValueKind.Number)
            {
                maxLength = m.TryGetInt64(out var l) ? l : long.MaxValue;
            }
            if (r.TryGetProperty("chat_template", out var ct))
            {
                if (ct.ValueKind == JsonValueKind.String)
                {
                    template = ct.GetString();
                }
                else if (ct.ValueKind == JsonValueKind.Array)
                {
                    foreach (var t in ct.EnumerateArray())
                    {
                        if (t.TryGetProperty("name", out var n) && t.TryGetProperty("template", out var body))
                        {
                            templates[n.GetString()!] = body.GetString()!;
                        }
                    }
                    template = templates.GetValueOrDefault("default");
                }
            }
        }
        if (chatTemplatePath is not null && File.Exists(chatTemplatePath))
        {
            template = File.ReadAllText(chatTemplatePath);
        }
        if (template is not null && !templates.ContainsKey("default"))
        {
            templates["default"] = template;
        }
        return new TokenizerConfig
        {
            BosToken = bos, EosToken = eos, PadToken = pad, UnkToken = unk,
            AddBosToken = addBos, AddEosToken = addEos, CleanUpTokenizationSpaces = cleanUp, AdditionalSpecialTokens = additional,
            ModelMaxLength = maxLength, ChatTemplate = template, ChatTemplates = templates,
        };
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A token given as a string or as an AddedToken object with "content".</summary>
    private static string? TokenText(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
    }

    private static bool? OptionalBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;
}
