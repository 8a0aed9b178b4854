using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.Decoders;

internal sealed class ReplaceDecoder : IDecoder
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceDecoder(string pattern, bool isRegex, string content)
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

    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = _regex is not null ? _regex.Replace(tokens[i], _content.Replace("$", "$$")) : tokens[i].Replace(_literal!, _content, StringComparison.Ordinal);
        }
    }
}
