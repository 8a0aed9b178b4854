using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Tests.Constraints;

public class TokenConstraintTests
{
    private static readonly Tokenizer Tokenizer = Tokenizer.FromDirectory(TestPaths.DefaultModel);
    private static readonly int[] Eos = [Tokenizer.TokenToId("<|endoftext|>")!.Value, Tokenizer.TokenToId("<|im_end|>")!.Value];

    private static TokenConstraint Compile(string schema) => TokenConstraint.Compile(OutputConstraint.ForSchema(schema), Tokenizer);

    [Theory]
    [InlineData("""{"type":"string","format":"email"}""", "format", "#/format")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","pattern":"^a+$","maxLength":3}}}""", "pattern", "#/properties/a/pattern")]
    [InlineData("""{"type":"object","properties":{"a":{"allOf":[{"type":"string"}]}}}""", "allOf", "#/properties/a/allOf")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties", "#/additionalProperties")]
    [InlineData("""{"type":"array","items":[{"type":"string"}]}""", "items", "#/items")]
    [InlineData("""{"$ref":"https://example.com/s.json"}""", "$ref", "#/$ref")]
    public void An_unsupported_keyword_is_refused_with_its_name_and_path(string schema, string keyword, string path)
    {
        var e = Assert.Throws<ConstraintException>(() => Compile(schema));
        Assert.Equal(keyword, e.Keyword);
        Assert.Equal(path, e.Path);
        Assert.Contains(keyword, e.Message);
    }

    [Fact]
    public void A_schema_with_no_instance_is_refused()
    {
        Assert.Throws<ConstraintException>(() => Compile("""{"type":"integer","minimum":10,"maximum":5}"""));
        Assert.Throws<ConstraintException>(() => Compile("""{"$defs":{"n":{"type":"object","properties":{"next":{"$ref":"#/$defs/n"}},"required":["next"]}},"$ref":"#/$defs/n"}"""));
    }

    [Fact]
    public void End_of_sequence_is_masked_until_the_value_is_complete()
    {
        var constraint = Compile("""{"type":"integer","minimum":10,"maximum":99}""");
        var cursor = constraint.CreateCursor();
        var logits = Logits();
        cursor.Apply(logits, 16, Eos);
        Assert.All(Eos, e => Assert.Equal(float.NegativeInfinity, logits[e]));
        Assert.True(cursor.Advance(Tokenizer.TokenToId("4")!.Value));
        Assert.False(cursor.IsComplete);
        Assert.True(cursor.Advance(Tokenizer.TokenToId("2")!.Value));
        Assert.True(cursor.IsComplete);
        logits = Logits();
        cursor.Apply(logits, 16, Eos);
        Assert.All(Eos, e => Assert.Equal(1f, logits[e]));
        // "42" is complete and two digits is the most the range takes: no digit may follow.
        Assert.Equal(float.NegativeInfinity, logits[Tokenizer.TokenToId("0")!.Value]);
    }

    [Fact]
    public void Numbers_outside_the_bounds_cannot_be_started()
    {
        var cursor = Compile("""{"type":"integer","minimum":10,"maximum":30}""").CreateCursor();
        var logits = Logits();
        cursor.Apply(logits, 16, Eos);
        Assert.Equal(1f, logits[Tokenizer.TokenToId("2")!.Value]);
        Assert.Equal(float.NegativeInfinity, logits[Tokenizer.TokenToId("5")!.Value]);
        Assert.Equal(float.NegativeInfinity, logits[Tokenizer.TokenToId("-")!.Value]);
    }

    [Fact]
    public void With_the_budget_down_to_the_shortest_close_only_closing_tokens_remain()
    {
        var constraint = Compile("""{"type":"object","properties":{"note":{"type":"string"}},"required":["note"],"additionalProperties":false}""");
        var cursor = constraint.CreateCursor();
        foreach (var piece in new[] { "{\"", "note", "\":\"", "hello" })
        {
            foreach (var id in Tokenizer.Encode(piece, addSpecialTokens: false))
            {
                Assert.True(cursor.Advance(id), piece);
            }
        }
        var close = cursor.TokensToClose;
        var logits = Logits();
        cursor.Apply(logits, close, Eos);
        var allowed = Enumerable.Range(0, logits.Length).Where(i => logits[i] > float.NegativeInfinity).ToList();
        Assert.NotEmpty(allowed);
        // One token left: every allowed token ends the string and the object at once (such as "\"}" or "x\"}").
        Assert.Equal(1, close);
        Assert.All(allowed, id => Assert.EndsWith("\"}", Tokenizer.Decode([id])));
        var free = Logits();
        cursor.Apply(free, 50, Eos);
        Assert.True(free.Count(l => l > float.NegativeInfinity) > allowed.Count * 10);
    }

    [Fact]
    public void Json_object_answers_with_random_logits_parse_as_objects()
    {
        var constraint = TokenConstraint.Compile(OutputConstraint.JsonObject, Tokenizer);
        var logits = new float[Tokenizer.VocabSize];
        var noise = SchemaSuiteTests.RandomNoise(4 * logits.Length);
        for (var seed = 0; seed < 20; seed++)
        {
            var (text, _) = SchemaSuiteTests.RandomAnswer(constraint, Tokenizer, logits, noise, Eos, new Random(seed));
            using var doc = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
    }

    [Theory]
    [InlineData("[a-z]{2,6}-[0-9]{1,3}")]
    [InlineData("(on|off|dim_[1-9][0-9]?)")]
    [InlineData("\\d+(\\.\\d{1,2})?[cf]")]
    [InlineData("[A-Z][a-z]* [^\\n]{0,20}!")]
    public void Regex_answers_with_random_logits_match_the_whole_pattern(string pattern)
    {
        var constraint = TokenConstraint.Compile(new OutputConstraint { Kind = ConstraintKind.Regex, Pattern = pattern }, Tokenizer);
        var logits = new float[Tokenizer.VocabSize];
        var noise = SchemaSuiteTests.RandomNoise(4 * logits.Length);
        var regex = new System.Text.RegularExpressions.Regex($"^(?:{pattern})$");
        for (var seed = 0; seed < 20; seed++)
        {
            var (text, _) = SchemaSuiteTests.RandomAnswer(constraint, Tokenizer, logits, noise, Eos, new Random(seed));
            Assert.Matches(regex, text);
        }
    }

    [Theory]
    [InlineData("^[a-z]+_[0-9]{1,3}$")]
    [InlineData("^(set|preheat)_[0-9]{2,3}(\\.5)?[cf]$")]
    [InlineData("[0-9]")]
    public void Schema_patterns_hold_the_strings_and_an_independent_validator_agrees(string pattern)
    {
        var schema = """{"type":"object","properties":{"v":{"type":"string","pattern":""" + JsonSerializer.Serialize(pattern) + """}},"required":["v"],"additionalProperties":false}""";
        var constraint = Compile(schema);
        var logits = new float[Tokenizer.VocabSize];
        var noise = SchemaSuiteTests.RandomNoise(4 * logits.Length);
        for (var seed = 0; seed < 20; seed++)
        {
            var (text, _) = SchemaSuiteTests.RandomAnswer(constraint, Tokenizer, logits, noise, Eos, new Random(seed));
            Assert.True(SchemaValidator.IsValid(schema, text, out var why), $"{text}: {why}");
        }
    }

    [Theory]
    [InlineData("(?=a)b")]
    [InlineData("a\\1")]
    [InlineData("[é]")]
    public void Unsupported_regex_features_are_refused(string pattern)
    {
        var e = Assert.Throws<ConstraintException>(() => TokenConstraint.Compile(new OutputConstraint { Kind = ConstraintKind.Regex, Pattern = pattern }, Tokenizer));
        Assert.Equal("pattern", e.Keyword);
    }

    [Fact]
    public void The_shortest_answer_is_counted_in_tokens()
    {
        var constraint = Compile(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "examples", "iot-assist-action.schema.json")));
        // {"device":"ac","action":"a","zone":null,"at":"a"}: fewer tokens than bytes, more than a handful.
        Assert.InRange(constraint.ShortestAnswerTokens, 8, 45);
    }

    private static float[] Logits()
    {
        var logits = new float[Tokenizer.VocabSize];
        Array.Fill(logits, 1f);
        return logits;
    }
}
