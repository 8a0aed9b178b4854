namespace EdgeLLM.Tokenizers.AddedTokens;

/// <summary>
/// Finds added tokens in text before the model sees it: leftmost match first, the longest token at a
/// position; <c>lstrip</c>/<c>rstrip</c> remove the whitespace next to the token. As in the reference
/// implementation, <c>single_word</c> does not restrict matches.
/// Tokens are indexed by their first character, so ordinary text costs one dictionary miss per character.
/// </summary>
internal sealed class AddedTokenMatcher
{
    /// <summary>No token is matched right after this character (see <see cref="MarkPlain"/>).</summary>
    public const char PlainTextMark = '\uFDD0';

    private readonly Dictionary<char, AddedToken[]> _byFirstChar = [];

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        foreach (var group in tokens.Where(t => t.Content.Length > 0).GroupBy(t => t.Content[0]))
        {
            _byFirstChar[group.Key] = group.OrderByDescending(t => t.Content.Length).ToArray();
        }
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>Splits <paramref name="text"/> into plain segments and matched tokens, appending to <paramref name="output"/>.</summary>
    public void Split(string text, bool atStart, List<Segment> output)
    {
        if (IsEmpty)
        {
            output.Add(new Segment(text, null, atStart));
            return;
        }
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (_byFirstChar.TryGetValue(text[i], out var candidates) && (i == 0 || text[i - 1] != PlainTextMark) && Match(text, i, candidates) is { } token)
            {
                var start = i;
                var end = i + token.Content.Length;
                if (token.LStrip)
                {
                    while (start > plainStart && RegexFactory.IsJsWhitespace(text[start - 1]))
                    {
                        start--;
                    }
                }
                if (token.RStrip)
                {
                    while (end < text.Length && RegexFactory.IsJsWhitespace(text[end]))
                    {
                        end++;
                    }
                }
                if (start > plainStart)
                {
                    output.Add(new Segment(text[plainStart..start], null, atStart && plainStart == 0));
                }
                output.Add(new Segment(token.Content, token.Id, false));
                plainStart = i = end;
                continue;
            }
            i++;
        }
        if (plainStart < text.Length)
        {
            output.Add(new Segment(text[plainStart..], null, atStart && plainStart == 0));
        }
    }

    /// <summary>
    /// <paramref name="text"/> with <see cref="PlainTextMark"/> before every token of this matcher it contains, so that
    /// <see cref="Split"/> takes them as text; marks already there become U+FFFD. The same string when there is nothing to mark.
    /// </summary>
    public string MarkPlain(string text)
    {
        System.Text.StringBuilder? marked = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var isMark = c == PlainTextMark;
            var token = !isMark && _byFirstChar.TryGetValue(c, out var candidates) ? Match(text, i, candidates) : null;
            if (!isMark && token is null)
            {
                continue;
            }
            marked ??= new System.Text.StringBuilder(text.Length + 16);
            marked.Append(text, copied, i - copied);
            if (isMark)
            {
                marked.Append('\uFFFD');
                copied = i + 1;
                continue;
            }
            marked.Append(PlainTextMark).Append(token!.Content);
            i += token.Content.Length - 1;
            copied = i + 1;
        }
        return marked is null ? text : marked.Append(text, copied, text.Length - copied).ToString();
    }

    private static AddedToken? Match(string text, int at, AddedToken[] candidates)
    {
        foreach (var t in candidates)
        {
            if (string.CompareOrdinal(text, at, t.Content, 0, t.Content.Length) != 0)
            {
                continue;
            }
            return t;
        }
        return null;
    }
}
