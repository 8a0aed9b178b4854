using EdgeLLM.Tokenizers.Templates;

namespace EdgeLLM.Tokenizers.Tests.Templates;

public class InterpreterTests
{
    private static string Render(string template, IReadOnlyDictionary<string, object?>? vars = null, params ChatMessage[] messages) =>
        ChatTemplate.Parse(template).Render(messages, addGenerationPrompt: true, new ChatTemplateOptions { Variables = vars ?? new Dictionary<string, object?>(), BosToken = "<s>", EosToken = "</s>", Clock = () => new DateTime(2026, 11, 22, 9, 5, 0) });

    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ 7 // 2 }}|{{ 7 / 2 }}|{{ 7 % 3 }}|{{ 2 ** 10 }}", "3|3.5|1|1024")]
    [InlineData("{{ 'a' ~ 1 ~ none }}", "a1")]
    [InlineData("{{ [1, 2, 3][1:] }}|{{ 'hello'[::-1] }}|{{ [1,2,3][-1] }}", "[2, 3]|olleh|3")]
    [InlineData("{{ 'x' if 1 > 2 else 'y' }}", "y")]
    [InlineData("{{ 'a' in 'cat' }}|{{ 3 not in [1, 2] }}|{{ 'k' in {'k': 1} }}", "true|true|true")]
    [InlineData("{{ not false and (true or false) }}", "true")]
    [InlineData("{{ {'b': 1, 'a': 2} | dictsort | first | first }}", "a")]
    [InlineData("{{ ' hi '|trim|upper }}|{{ 'hello world'|title }}|{{ 'a-b'|replace('-', '+') }}", "HI|Hello World|a+b")]
    [InlineData("{{ [3, 1, 2]|sort|join(',') }}|{{ [1, 1, 2]|unique|list|length }}|{{ [1, 2]|sum }}", "1,2,3|2|3")]
    [InlineData("{{ undefined_name|default('fallback') }}|{{ ''|default('x', true) }}", "fallback|x")]
    [InlineData("{{ {'a': [1, 'é'], 'b': none}|tojson }}", "{\"a\": [1, \"é\"], \"b\": null}")]
    [InlineData("{{ 'a,b,,c'.split(',')|length }}|{{ '  x '.strip() }}|{{ 'abc'.startswith(('x', 'a')) }}", "4|x|true")]
    [InlineData("{{ 4 is even }}|{{ 3 is odd }}|{{ 9 is divisibleby 3 }}|{{ x is defined }}|{{ none is none }}", "true|true|true|false|true")]
    [InlineData("{{ range(3)|list }}|{{ range(1, 7, 2)|list }}", "[0, 1, 2]|[1, 3, 5]")]
    [InlineData("{{ strftime_now('%d %b %Y %H:%M') }}", "22 Nov 2026 09:05")]
    [InlineData("{{ bos_token }}{{ eos_token }}", "<s></s>")]
    public void Expressions_and_filters_evaluate_as_in_jinja(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Loops_expose_loop_variables_filters_and_else()
    {
        Assert.Equal("1a-2b-3c.", Render("{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ x }}{% if not loop.last %}-{% endif %}{% endfor %}."));
        Assert.Equal("24", Render("{% for n in range(6) if n is even and n > 0 %}{{ n }}{% endfor %}"));
        Assert.Equal("empty", Render("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}"));
        Assert.Equal("a=1;b=2;", Render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}"));
        Assert.Equal("01", Render("{% for x in range(5) %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}"));
        Assert.Equal("3|2", Render("{% for x in [1, 2, 3] %}{% if loop.first %}{{ loop.length }}|{{ loop.revindex0 }}{% endif %}{% endfor %}"));
    }

    [Fact]
    public void Namespaces_carry_state_out_of_loops_and_set_does_not()
    {
        Assert.Equal("3|outer", Render("{% set ns = namespace(n=0) %}{% set v = 'outer' %}{% for x in range(3) %}{% set ns.n = ns.n + 1 %}{% set v = 'inner' %}{% endfor %}{{ ns.n }}|{{ v }}"));
    }

    [Fact]
    public void Macros_take_arguments_and_defaults()
    {
        Assert.Equal("<b>x</b><i>y</i>", Render("{% macro tag(text, name='b') %}<{{ name }}>{{ text }}</{{ name }}>{% endmacro %}{{ tag('x') }}{{ tag('y', name='i') }}"));
    }

    [Fact]
    public void Block_set_and_filter_blocks_capture_output()
    {
        Assert.Equal("HELLO there", Render("{% set greeting %}hello{% endset %}{% filter upper %}{{ greeting }}{% endfilter %} there"));
    }

    [Fact]
    public void Whitespace_control_trims_and_blocks_drop_their_newline()
    {
        Assert.Equal("ab", Render("a\n{%- if true -%}\n   \n{%- endif %}\nb"));
        // trim_blocks removes the newline after a block tag; lstrip_blocks the indentation before one
        Assert.Equal("x\ny\n", Render("{% if true %}\nx\n    {% endif %}\ny\n"));
        Assert.Equal("  z", Render("{% if true %}  z{% endif %}"));
        Assert.Equal("kept\n", Render("{# comment #}\nkept\n"));
    }

    [Fact]
    public void Messages_are_visible_with_item_and_attribute_access()
    {
        var output = Render("{% for m in messages %}{{ m['role'] }}:{{ m.content }};{% endfor %}{% if add_generation_prompt %}>{% endif %}",
            null, new ChatMessage("system", "s"), new ChatMessage("user", "u"));
        Assert.Equal("system:s;user:u;>", output);
    }

    [Fact]
    public void Host_variables_become_template_values()
    {
        var vars = new Dictionary<string, object?> { ["tools"] = new List<object?> { new Dictionary<string, object?> { ["name"] = "lamp", ["args"] = new[] { 1, 2 } } }, ["enable_thinking"] = false };
        Assert.Equal("lamp:[1, 2]|false", Render("{{ tools[0].name }}:{{ tools[0]['args'] }}|{{ enable_thinking }}", vars));
    }

    [Theory]
    [InlineData("hello {% unknowntag %}", 1, 10, "unsupported tag 'unknowntag'")]
    [InlineData("line one\n{% if x %}never closed", 2, 4, "'if' opened here is never closed")]
    [InlineData("{{ 1 + }}", 1, 8, "unexpected")]
    [InlineData("{% endfor %}", 1, 4, "'endfor' without a matching opening tag")]
    [InlineData("{{ 'unterminated }}", 1, 4, "string is not closed")]
    [InlineData("{% for x in y recursive %}{% endfor %}", 1, 4, "recursive loops are not supported")]
    public void Unsupported_syntax_fails_with_line_and_column(string template, int line, int column, string reason)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Raise_exception_and_runtime_errors_carry_their_position()
    {
        var raised = Assert.Throws<ChatTemplateException>(() => Render("ok\n  {{ raise_exception('roles must alternate') }}"));
        Assert.Equal(("roles must alternate", 2, 6), (raised.Reason, raised.Line, raised.Column));
        var undefinedCall = Assert.Throws<ChatTemplateException>(() => Render("{{ nothing.here() }}"));
        Assert.Contains("is undefined", undefinedCall.Reason);
        var badFilter = Assert.Throws<ChatTemplateException>(() => Render("{{ 1|nosuchfilter }}"));
        Assert.Contains("unknown filter 'nosuchfilter'", badFilter.Reason);
        var arithmetic = Assert.Throws<ChatTemplateException>(() => Render("{{ 'a' - 1 }}"));
        Assert.Contains("unsupported operand", arithmetic.Reason);
    }
}
