using System.Globalization;
using System.Text;

namespace EdgeLLM.Tokenizers.Templates.Lexing;

/// <summary>
/// Splits a template into text and the tokens inside <c>{{ }}</c> and <c>{% %}</c>; comments are dropped.
/// Whitespace is handled as Hugging Face renders chat templates: <c>-</c> trims all whitespace on its side,
/// trim_blocks removes the newline after a block tag and lstrip_blocks the indentation before one.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] Operators = ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];
    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private int _pos;

    private Lexer(string source) => _source = source.Replace("\r\n", "\n");

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private (int Line, int Column) Where(int offset)
    {
        var line = 1;
        var lastNewline = -1;
        for (var i = 0; i < offset && i < _source.Length; i++)
        {
            if (_source[i] == '\n')
            {
                line++;
                lastNewline = i;
            }
        }
        return (line, offset - lastNewline);
    }

    private ChatTemplateException Error(string message, int offset)
    {
        var (line, column) = Where(offset);
        return new ChatTemplateException(message, line, column);
    }

    private void Run()
    {
        var trimNextLeading = false;
        while (_pos < _source.Length)
        {
            var next = FindTagStart(_pos);
            var textEnd = next < 0 ? _source.Length : next;
            var text = _source[_pos..textEnd];
            if (trimNextLeading)
            {
                text = text.TrimStart();
                trimNextLeading = false;
            }
            if (next < 0)
            {
                AddText(text, _pos);
                break;
            }
            var kind = _source[next + 1];
            var stripBefore = next + 2 < _source.Length && _source[next + 2] == '-';
            var keepBefore = next + 2 < _source.Length && _source[next + 2] == '+';
            if (stripBefore)
            {
                text = text.TrimEnd();
            }
            else if (kind != '{' && !keepBefore)
            {
                text = LStripBlock(text);
            }
            AddText(text, _pos);
            var inner = next + 2 + (stripBefore || keepBefore ? 1 : 0);
            int after;
            switch (kind)
            {
                case '#':
                    var close = _source.IndexOf("#}", inner, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        throw Error("comment is not closed with #}", next);
                    }
                    trimNextLeading = _source[close - 1] == '-';
                    after = close + 2;
                    break;
                case '{':
                    after = LexTag(next, inner, "}}", TokenKind.VariableStart, TokenKind.VariableEnd, out trimNextLeading);
                    break;
                default:
                    after = LexTag(next, inner, "%}", TokenKind.BlockStart, TokenKind.BlockEnd, out trimNextLeading);
                    break;
            }
            // trim_blocks: the first newline after a block or comment tag goes
            if (kind != '{' && !trimNextLeading && after < _source.Length && _source[after] == '\n')
            {
                after++;
            }
            _pos = after;
        }
        var (l, c) = Where(_source.Length);
        _tokens.Add(new Token(TokenKind.End, "", l, c));
    }

    private int FindTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>lstrip_blocks: spaces and tabs between the last newline and a block tag are removed.</summary>
    private static string LStripBlock(string text)
    {
        var i = text.Length;
        while (i > 0 && text[i - 1] is ' ' or '\t')
        {
            i--;
        }
        return i == 0 || text[i - 1] == '\n' ? text[..i] : text;
    }

    private void AddText(string text, int offset)
    {
        if (text.Length > 0)
        {
            var (l, c) = Where(offset);
            _tokens.Add(new Token(TokenKind.Text, text, l, c));
        }
    }

    private int LexTag(int tagStart, int i, string closer, TokenKind start, TokenKind end, out bool stripAfter)
    {
        var (sl, sc) = Where(tagStart);
        _tokens.Add(new Token(start, "", sl, sc));
        while (true)
        {
            while (i < _source.Length && char.IsWhiteSpace(_source[i]))
            {
                i++;
            }
            if (i >= _source.Length)
            {
                throw Error($"tag is not closed with {closer}", tagStart);
            }
            if (_source[i] == '-' && string.CompareOrdinal(_source, i + 1, closer, 0, 2) == 0)
            {
                stripAfter = true;
                Close(i, end);
                return i + 3;
            }
            if (_source[i] == '+' && string.CompareOrdinal(_source, i + 1, closer, 0, 2) == 0)
            {
                stripAfter = false;
                Close(i, end);
                return i + 3;
            }
            if (string.CompareOrdinal(_source, i, closer, 0, 2) == 0)
            {
                stripAfter = false;
                Close(i, end);
                return i + 2;
            }
            i = LexOne(i);
        }
    }

    private void Close(int offset, TokenKind end)
    {
        var (l, c) = Where(offset);
        _tokens.Add(new Token(end, "", l, c));
    }

    private int LexOne(int i)
    {
        var (line, column) = Where(i);
        var c = _source[i];
        if (char.IsLetter(c) || c == '_')
        {
            var s = i;
            while (i < _source.Length && (char.IsLetterOrDigit(_source[i]) || _source[i] == '_'))
            {
                i++;
            }
            _tokens.Add(new Token(TokenKind.Name, _source[s..i], line, column));
            return i;
        }
        if (char.IsAsciiDigit(c))
        {
            var s = i;
            while (i < _source.Length && (char.IsAsciiDigit(_source[i]) || _source[i] == '_'))
            {
                i++;
            }
            var isFloat = false;
            if (i + 1 < _source.Length && _source[i] == '.' && char.IsAsciiDigit(_source[i + 1]))
            {
                isFloat = true;
                i++;
                while (i < _source.Length && char.IsAsciiDigit(_source[i]))
                {
                    i++;
                }
            }
            _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, _source[s..i].Replace("_", ""), line, column));
            return i;
        }
        if (c is '\'' or '"')
        {
            return LexString(i, c, line, column);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_source, i, op, 0, op.Length) == 0)
            {
                _tokens.Add(new Token(TokenKind.Operator, op, line, column));
                return i + op.Length;
            }
        }
        throw new ChatTemplateException($"unexpected character '{c}'", line, column);
    }

    private int LexString(int i, char quote, int line, int column)
    {
        var sb = new StringBuilder();
        i++;
        while (i < _source.Length && _source[i] != quote)
        {
            if (_source[i] == '\\' && i + 1 < _source.Length)
            {
                var e = _source[++i];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case 'u' when i + 4 < _source.Length:
                        sb.Append((char)int.Parse(_source.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: sb.Append('\\').Append(e); break;
                }
                i++;
                continue;
            }
            sb.Append(_source[i++]);
        }
        if (i >= _source.Length)
        {
            throw new ChatTemplateException("string is not closed", line, column);
        }
        _tokens.Add(new Token(TokenKind.String, sb.ToString(), line, column));
        return i + 1;
    }
}
