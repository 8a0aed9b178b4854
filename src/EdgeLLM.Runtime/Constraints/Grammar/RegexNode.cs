using EdgeLLM.Runtime.Constraints.Regex;

namespace EdgeLLM.Runtime.Constraints.Grammar;

/// <summary>
/// Text matching a regular expression as a whole (a <c>regex</c> constraint), or, with <see cref="Quoted"/>, a JSON
/// string whose characters match it (a schema's <c>pattern</c>). Frame: phase 0 before the opening quote (quoted
/// only), 1 inside with <see cref="Frame.A"/> the matcher's state set, 2 closed.
/// </summary>
internal sealed class RegexNode : GrammarNode
{
    private const int Open = 0, Inside = 1, Closed = 2;
    private readonly RegexMatcher _matcher;

    public RegexNode(RegexMatcher matcher, bool quoted)
    {
        _matcher = matcher;
        Quoted = quoted;
        var inner = matcher.Remaining(matcher.Start);
        MinBytes = inner == int.MaxValue ? int.MaxValue : inner + (quoted ? 2 : 0);
    }

    public bool Quoted { get; }

    /// <summary>Compiles a pattern; JSON Schema's <c>pattern</c> is a search unless anchored, so unanchored ends match anything.</summary>
    public static RegexNode Compile(string pattern, bool quoted)
    {
        var (ast, anchoredStart, anchoredEnd) = RegexParser.Parse(pattern);
        if (quoted)
        {
            var any = new RegexAst.Repeat(new RegexAst.Set(Enumerable.Repeat(true, 128).ToArray(), true), 0, -1);
            ast = new RegexAst.Sequence([.. anchoredStart ? [] : new[] { any }, ast, .. anchoredEnd ? [] : new[] { any }]);
        }
        return new RegexNode(new RegexMatcher(new RegexNfa(ast, jsonString: quoted)), quoted);
    }

    public override void Enter(Frame? parent, FrameSink into) =>
        into.Add(new Frame(this, Quoted ? Open : Inside, Quoted ? 0 : _matcher.Start, 0, parent));

    public override void Feed(Frame f, byte b, FrameSink into)
    {
        switch (f.Phase)
        {
            case Open when b == '"':
                into.Add(f with { Phase = Inside, A = _matcher.Start });
                break;
            case Inside:
                if (Quoted && b == '"')
                {
                    if (_matcher.IsAccepting((int)f.A))
                    {
                        into.Add(f with { Phase = Closed });
                    }
                    break;
                }
                var next = _matcher.Step((int)f.A, b);
                if (next != RegexMatcher.Dead)
                {
                    into.Add(f with { A = next });
                }
                break;
        }
    }

    public override bool CanEnd(Frame f) => Quoted ? f.Phase == Closed : _matcher.IsAccepting((int)f.A);

    public override bool CanContinue(Frame f) => f.Phase != Closed && (Quoted || _matcher.HasMoves((int)f.A));

    public override int Remaining(Frame f) => f.Phase switch
    {
        Open => MinBytes,
        Inside => Add(_matcher.Remaining((int)f.A), Quoted ? 1 : 0),
        _ => 0,
    };

    public override void AppendCompletion(Frame f, List<byte> into)
    {
        if (f.Phase == Closed)
        {
            return;
        }
        if (f.Phase == Open)
        {
            into.Add((byte)'"');
        }
        _matcher.AppendCompletion(f.Phase == Open ? _matcher.Start : (int)f.A, into);
        if (Quoted)
        {
            into.Add((byte)'"');
        }
    }

    public override bool UpdateMinBytes() => false;
}
