using System.Text;

namespace EdgeLLM.Runtime.Constraints.Regex;

/// <summary>
/// Parses the regular-expression subset EdgeLLM enforces: literals, <c>.</c>, classes (<c>[a-z0-9_]</c>, negated,
/// <c>\d \w \s</c> and their complements), groups (<c>( )</c>, <c>(?: )</c>), <c>|</c>, <c>* + ?</c>, <c>{m}</c>,
/// <c>{m,}</c>, <c>{m,n}</c>, and <c>^</c>/<c>$</c> at the ends. Anything else (backreferences, lookaround, non-ASCII
/// characters inside classes) is refused with a <see cref="ConstraintException"/> saying where.
/// </summary>
internal sealed class RegexParser
{
    public const int MaxRepeat = 256;
    private readonly string _pattern;
    private int _pos;

    private RegexParser(string pattern)
    {
        _pattern = pattern;
    }

    /// <summary>The expression and whether it was anchored at its start and its end.</summary>
    public static (RegexAst Ast, bool AnchoredStart, bool AnchoredEnd) Parse(string pattern)
    {
        var start = pattern.StartsWith('^');
        var end = pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal);
        var body = pattern[(start ? 1 : 0)..(end ? pattern.Length - 1 : pattern.Length)];
        var parser = new RegexParser(body);
        var ast = parser.Alternation();
        if (parser._pos < body.Length)
        {
            throw parser.Error($"unexpected '{body[parser._pos]}'");
        }
        return (ast, start, end);
    }

    private ConstraintException Error(string what) => new($"pattern \"{_pattern}\": {what} at character {_pos}", "pattern");

    private bool More => _pos < _pattern.Length;

    private char Peek => _pattern[_pos];

    private RegexAst Alternation()
    {
        var items = new List<RegexAst> { Concatenation() };
        while (More && Peek == '|')
        {
            _pos++;
            items.Add(Concatenation());
        }
        return items.Count == 1 ? items[0] : new RegexAst.Alternatives(items);
    }

    private RegexAst Concatenation()
    {
        var items = new List<RegexAst>();
        while (More && Peek != '|' && Peek != ')')
        {
            items.Add(Quantified(Atom()));
        }
        return items.Count == 1 ? items[0] : new RegexAst.Sequence(items);
    }

    private RegexAst Quantified(RegexAst atom)
    {
        while (More)
        {
            int min, max;
            switch (Peek)
            {
                case '*':
                    (min, max) = (0, -1);
                    _pos++;
                    break;
                case '+':
                    (min, max) = (1, -1);
                    _pos++;
                    break;
                case '?':
                    (min, max) = (0, 1);
                    _pos++;
                    break;
                case '{':
                    (min, max) = Braces();
                    break;
                default:
                    return atom;
            }
            if (More && Peek == '?')
            {
                _pos++; // lazy or greedy: the same set of strings
            }
            atom = new RegexAst.Repeat(atom, min, max);
        }
        return atom;
    }

    private (int Min, int Max) Braces()
    {
        var close = _pattern.IndexOf('}', _pos);
        if (close < 0)
        {
            throw Error("unclosed {");
        }
        var inside = _pattern[(_pos + 1)..close];
        var parts = inside.Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], out var min) || min > MaxRepeat)
        {
            throw Error($"repeat {{{inside}}} is not {{m}}, {{m,}} or {{m,n}} with m, n up to {MaxRepeat}");
        }
        var max = min;
        if (parts.Length == 2)
        {
            max = parts[1].Length == 0 ? -1 : int.TryParse(parts[1], out var n) && n >= min && n <= MaxRepeat ? n : throw Error($"repeat {{{inside}}} has a bad upper bound");
        }
        _pos = close + 1;
        return (min, max);
    }

    private RegexAst Atom()
    {
        var c = Peek;
        _pos++;
        switch (c)
        {
            case '(':
                if (More && Peek == '?')
                {
                    if (_pos + 1 < _pattern.Length && _pattern[_pos + 1] == ':')
                    {
                        _pos += 2;
                    }
                    else
                    {
                        throw Error("lookaround and named groups are not supported");
                    }
                }
                var inner = Alternation();
                if (!More || Peek != ')')
                {
                    throw Error("unclosed (");
                }
                _pos++;
                return inner;
            case '[':
                return Class();
            case '.':
                return Complement(Single('\n'));
            case '\\':
                return Escape(inClass: false);
            case '^' or '$':
                throw Error($"'{c}' is only supported at the ends");
            case '*' or '+' or '?' or '{':
                throw Error($"'{c}' has nothing to repeat");
            default:
                return Literal(c);
        }
    }

    private RegexAst Literal(char c)
    {
        if (char.IsHighSurrogate(c) && More)
        {
            var pair = new string([c, Peek]);
            _pos++;
            return new RegexAst.Literal(Encoding.UTF8.GetBytes(pair));
        }
        return new RegexAst.Literal(Encoding.UTF8.GetBytes(c.ToString()));
    }

    private RegexAst Escape(bool inClass)
    {
        if (!More)
        {
            throw Error("a trailing backslash");
        }
        var c = Peek;
        _pos++;
        return c switch
        {
            'd' => Range('0', '9'),
            'D' => Complement(Range('0', '9')),
            'w' => Word(),
            'W' => Complement(Word()),
            's' => Spaces(),
            'S' => Complement(Spaces()),
            'n' => Single('\n'),
            't' => Single('\t'),
            'r' => Single('\r'),
            'f' => Single('\f'),
            'v' => Single('\v'),
            _ when char.IsAsciiLetterOrDigit(c) => throw Error($"the escape \\{c} is not supported"),
            _ when c < 128 => Single(c),
            _ when !inClass => Literal(c),
            _ => throw Error("non-ASCII characters inside classes are not supported"),
        };
    }

    private RegexAst Class()
    {
        var negate = More && Peek == '^';
        if (negate)
        {
            _pos++;
        }
        var ascii = new bool[128];
        var first = true;
        while (More && (Peek != ']' || first))
        {
            first = false;
            RegexAst.Set item;
            var c = Peek;
            if (c == '\\')
            {
                _pos++;
                item = (RegexAst.Set)Escape(inClass: true);
            }
            else
            {
                if (c >= 128)
                {
                    throw Error("non-ASCII characters inside classes are not supported");
                }
                _pos++;
                if (More && Peek == '-' && _pos + 1 < _pattern.Length && _pattern[_pos + 1] != ']')
                {
                    var hi = _pattern[_pos + 1];
                    if (hi >= 128 || hi < c)
                    {
                        throw Error($"bad class range {c}-{hi}");
                    }
                    _pos += 2;
                    item = Range(c, hi);
                }
                else
                {
                    item = Single(c);
                }
            }
            if (item.NonAscii)
            {
                throw Error("negated escapes inside classes are not supported");
            }
            for (var i = 0; i < 128; i++)
            {
                ascii[i] |= item.Ascii[i];
            }
        }
        if (!More)
        {
            throw Error("unclosed [");
        }
        _pos++;
        var set = new RegexAst.Set(ascii, false);
        return negate ? Complement(set) : set;
    }

    private static RegexAst.Set Single(char c)
    {
        var ascii = new bool[128];
        ascii[c] = true;
        return new RegexAst.Set(ascii, false);
    }

    private static RegexAst.Set Range(char lo, char hi)
    {
        var ascii = new bool[128];
        for (var c = lo; c <= hi; c++)
        {
            ascii[c] = true;
        }
        return new RegexAst.Set(ascii, false);
    }

    private static RegexAst.Set Word()
    {
        var ascii = new bool[128];
        for (var c = 0; c < 128; c++)
        {
            ascii[c] = char.IsAsciiLetterOrDigit((char)c) || c == '_';
        }
        return new RegexAst.Set(ascii, false);
    }

    private static RegexAst.Set Spaces()
    {
        var ascii = new bool[128];
        foreach (var c in " \t\n\r\f\v")
        {
            ascii[c] = true;
        }
        return new RegexAst.Set(ascii, false);
    }

    private static RegexAst.Set Complement(RegexAst.Set set)
    {
        var ascii = new bool[128];
        for (var i = 0; i < 128; i++)
        {
            ascii[i] = !set.Ascii[i];
        }
        return new RegexAst.Set(ascii, !set.NonAscii);
    }
}
