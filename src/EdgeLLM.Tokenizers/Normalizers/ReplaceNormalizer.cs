using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>Replaces every occurrence of a string or regex pattern.</summary>
internal sealed class ReplaceNormalizer : INormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string pattern, bool isRegex, string content)
    {
        _content = content;
        if (isRegex)
        {
            _regex = RegexFactory.Create(pattern);
        }
        else
        {
            _literal = pattern;
        }
    }

    public string Normalize(string text) => _regex is not null ? _regex.Replace(text, _content.Replace("$", "$$")) : text.Replace(_literal!, _content, StringComparison.Ordinal);
}
