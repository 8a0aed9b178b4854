using System.Text;
using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers;

/// <summary>
/// Compiles tokenizer regexes with the semantics of the reference implementation (transformers.js):
/// patterns from tokenizer.json keep <c>\s</c> as Unicode White_Space (which is what .NET's <c>\s</c> is) and
/// have <c>(?i:...)</c> groups expanded to ASCII case pairs; the built-in GPT-2 byte-level regex is a
/// JavaScript literal there, whose <c>\s</c> also matches U+FEFF and not U+0085.
/// </summary>
internal static class RegexFactory
{
    /// <summary>JavaScript's <c>\s</c>.</summary>
    public const string JsWhitespace = @"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

    /// <summary>A pattern from tokenizer.json (Split pre-tokenizer, Replace normalizer or decoder).</summary>
    public static Regex Create(string pattern) => Compile(ExpandCaseInsensitiveGroups(pattern), pattern);

    /// <summary>A pattern written as a JavaScript regex literal in the reference implementation.</summary>
    public static Regex CreateJavaScriptLiteral(string pattern) => Compile(JavaScriptWhitespace(pattern), pattern);

    private static Regex Compile(string translated, string original)
    {
        try
        {
            return new Regex(translated, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new TokenizerLoadException($"tokenizer.json: regex /{original}/ cannot be compiled: {e.Message}", e);
        }
    }

    /// <summary>(?i:'s|'t) becomes (?:'[sS]|'[tT]): only ASCII letters fold, as in the reference.</summary>
    internal static string ExpandCaseInsensitiveGroups(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        var depth = 0;
        var insensitiveDepths = new Stack<int>();
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                sb.Append(c);
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    break;
                case '(':
                    depth++;
                    if (string.CompareOrdinal(pattern, i, "(?i:", 0, 4) == 0)
                    {
                        insensitiveDepths.Push(depth);
                        sb.Append("(?:");
                        i += 3;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
                case ')':
                    if (insensitiveDepths.Count > 0 && insensitiveDepths.Peek() == depth)
                    {
                        insensitiveDepths.Pop();
                    }
                    depth--;
                    sb.Append(c);
                    break;
                default:
                    if (insensitiveDepths.Count > 0 && char.IsAsciiLetter(c))
                    {
                        sb.Append('[').Append(char.ToLowerInvariant(c)).Append(char.ToUpperInvariant(c)).Append(']');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    internal static string JavaScriptWhitespace(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 64);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                sb.Append(next switch
                {
                    's' => inClass ? JsWhitespace : $"[{JsWhitespace}]",
                    'S' when !inClass => $"[^{JsWhitespace}]",
                    _ => $"\\{next}",
                });
                continue;
            }
            inClass = c == '[' ? true : c == ']' ? false : inClass;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>JavaScript's String.prototype.trim whitespace, used where the reference trims.</summary>
    public static bool IsJsWhitespace(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00a0' or '\u1680'
        or (>= '\u2000' and <= '\u200a') or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff';
}
