using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Tests.Constraints;

/// <summary><c>whitespace: "flexible"</c>: insignificant JSON whitespace between tokens, bounded, and still always complete.</summary>
public class FlexibleWhitespaceTests
{
    private const string Note = """{"type":"object","properties":{"note":{"type":"string"},"level":{"type":"integer","minimum":0,"maximum":100}},"required":["note","level"],"additionalProperties":false}""";
    private static readonly Tokenizer Tokenizer = Tokenizer.FromDirectory(TestPaths.DefaultModel);
    private static readonly int[] Eos = [Tokenizer.TokenToId("<|endoftext|>")!.Value, Tokenizer.TokenToId("<|im_end|>")!.Value];

    /// <summary>Every token of the vocabulary that is nothing but JSON whitespace (" ", "\n", "   ", …).</summary>
    private static readonly int[] WhitespaceTokens = [.. Enumerable.Range(0, Tokenizer.VocabSize)
        .Where(id => Tokenizer.Decode([id]) is { Length: > 0 } t && t.All(c => c is ' ' or '\n' or '\t' or '\r'))];

    private static TokenConstraint Compile(string schema, JsonWhitespace whitespace) =>
        TokenConstraint.Compile(OutputConstraint.ForSchema(schema) with { Whitespace = whitespace }, Tokenizer);

    private static int Space => Tokenizer.Encode(" ", addSpecialTokens: false).Single();

    private static void Feed(ConstraintCursor cursor, params string[] pieces)
    {
        foreach (var piece in pieces)
        {
            foreach (var id in Tokenizer.Encode(piece, addSpecialTokens: false))
            {
                Assert.True(cursor.Advance(id), piece);
            }
        }
    }

    [Fact]
    public void Compact_is_the_default_and_takes_no_whitespace_between_tokens()
    {
        Assert.Equal(JsonWhitespace.Compact, OutputConstraint.ForSchema(Note).Whitespace);
        var cursor = Compile(Note, JsonWhitespace.Compact).CreateCursor();
        Feed(cursor, "{");
        Assert.False(cursor.Advance(Space));
    }

    [Fact]
    public void Flexible_takes_whitespace_where_json_allows_it_but_not_inside_tokens_or_around_the_answer()
    {
        var constraint = Compile(Note, JsonWhitespace.Flexible);
        var pretty = constraint.CreateCursor();
        Feed(pretty, "{\n  \"note\" : \"a b\",\n  \"level\": 7\n}");
        Assert.True(pretty.IsClosed);
        Assert.False(constraint.CreateCursor().Advance(Space), "whitespace before the answer");
        var inKey = constraint.CreateCursor();
        Feed(inKey, "{\"no");
        Assert.False(inKey.Advance(Space), "whitespace inside a key is not insignificant");
        var inNumber = constraint.CreateCursor();
        Feed(inNumber, "{\"note\":\"\",\"level\":1");
        Assert.True(inNumber.Advance(Space));
        Assert.False(inNumber.Advance(Tokenizer.Encode("2", addSpecialTokens: false).Single()), "a space ends the number");
    }

    [Fact]
    public void A_whitespace_run_is_bounded()
    {
        var cursor = Compile(Note, JsonWhitespace.Flexible).CreateCursor();
        Feed(cursor, "{");
        for (var i = 0; i < EdgeLLM.Runtime.Constraints.Grammar.WhitespaceNode.MaxRun; i++)
        {
            Assert.True(cursor.Advance(Space), $"space {i + 1}");
        }
        Assert.False(cursor.Advance(Space));
    }

    [Fact]
    public void With_the_budget_down_to_the_shortest_close_whitespace_is_masked_and_only_closing_tokens_remain()
    {
        var cursor = Compile("""{"type":"object","properties":{"note":{"type":"string"}},"required":["note"],"additionalProperties":false}""", JsonWhitespace.Flexible).CreateCursor();
        Feed(cursor, "{ ", "\"note\"", " : ", "\"hello");
        Assert.Equal(1, cursor.TokensToClose);
        var logits = new float[Tokenizer.VocabSize];
        Array.Fill(logits, 1f);
        cursor.Apply(logits, 1, Eos);
        var allowed = Enumerable.Range(0, logits.Length).Where(i => logits[i] > float.NegativeInfinity).ToList();
        Assert.NotEmpty(allowed);
        Assert.All(allowed, id => Assert.EndsWith("}", Tokenizer.Decode([id]).TrimEnd()));
        // After the string closes, the budget of one token must still close the object: whitespace is not allowed then.
        var closed = Compile("""{"type":"object","properties":{"note":{"type":"string"}},"required":["note"],"additionalProperties":false}""", JsonWhitespace.Flexible).CreateCursor();
        Feed(closed, "{\"note\":\"hello\"");
        var last = new float[Tokenizer.VocabSize];
        Array.Fill(last, 1f);
        closed.Apply(last, 1, Eos);
        Assert.All(WhitespaceTokens, id => Assert.Equal(float.NegativeInfinity, last[id]));
        Assert.True(last[Tokenizer.Encode("}", addSpecialTokens: false).Single()] > float.NegativeInfinity);
    }

    [Fact]
    public void A_model_that_loves_whitespace_still_gives_complete_valid_answers_on_the_schema_suite()
    {
        // The "model" prefers end-of-sequence, then whitespace, then noise: the mask holds back EOS until the value is
        // complete, bounds every whitespace run, and forces closing as the 64-token budget runs out.
        var logits = new float[Tokenizer.VocabSize];
        var noise = SchemaSuiteTests.RandomNoise(4 * logits.Length);
        var failures = new List<string>();
        var spaced = 0;
        foreach (var c in SchemaSuite.Build().Take(60))
        {
            var constraint = Compile(c.Schema, JsonWhitespace.Flexible);
            var text = Answer(constraint, logits, noise, new Random(c.Index));
            spaced += HasInsignificantWhitespace(text) ? 1 : 0;
            if (!SchemaValidator.IsValid(c.Schema, text, out var why))
            {
                failures.Add($"#{c.Index} {c.Schema} -> {text}: {why}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(spaced > 30, $"only {spaced} of 60 answers carried whitespace");
    }

    private static bool HasInsignificantWhitespace(string json)
    {
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                i += c == '\\' ? 1 : 0;
                inString = c != '"';
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }
        return false;
    }

    // Whitespace tokens outrank the noise: the "model" would pad everywhere if the mask let it.
    private static string Answer(TokenConstraint constraint, float[] logits, float[] noise, Random random) =>
        SchemaSuiteTests.RandomAnswer(constraint, Tokenizer, logits, noise, Eos, random, WhitespaceTokens).Text;
}
