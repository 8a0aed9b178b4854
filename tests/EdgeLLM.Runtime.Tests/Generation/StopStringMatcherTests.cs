using System.Text;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Tests.Generation;

public class StopStringMatcherTests
{
    private static (string emitted, bool stopped, string? matched) Feed(string[] stops, params string[] deltas)
    {
        var m = new StopStringMatcher();
        m.Reset(stops);
        var emit = new StringBuilder();
        foreach (var d in deltas)
        {
            if (m.Append(d, emit))
            {
                return (emit.ToString(), true, m.Matched);
            }
        }
        m.Flush(emit);
        return (emit.ToString(), false, null);
    }

    [Fact]
    public void A_stop_string_split_across_tokens_is_found_and_never_emitted()
    {
        var (text, stopped, matched) = Feed(["\n\n"], "hello", "\n", "\n", "world");
        Assert.True(stopped);
        Assert.Equal("hello", text);
        Assert.Equal("\n\n", matched);
    }

    [Fact]
    public void Text_that_only_looked_like_a_stop_prefix_is_released()
    {
        var m = new StopStringMatcher();
        m.Reset(["</end>"]);
        var emit = new StringBuilder();
        Assert.False(m.Append("a </e", emit));
        Assert.Equal("a ", emit.ToString());
        Assert.False(m.Append("xtra", emit));
        Assert.Equal("a </extra", emit.ToString());
    }

    [Fact]
    public void The_earliest_of_several_stop_strings_wins()
    {
        var (text, stopped, matched) = Feed(["END", "ST"], "a STOP b END");
        Assert.True(stopped);
        Assert.Equal("a ", text);
        Assert.Equal("ST", matched);
    }

    [Fact]
    public void Without_stop_strings_everything_passes_through()
    {
        var (text, stopped, _) = Feed([], "a", "b", "");
        Assert.False(stopped);
        Assert.Equal("ab", text);
    }

    [Fact]
    public void Held_text_is_flushed_when_generation_ends_without_a_match()
    {
        var (text, stopped, _) = Feed(["###"], "abc#", "#");
        Assert.False(stopped);
        Assert.Equal("abc##", text);
    }

    [Fact]
    public void A_match_inside_one_long_delta_cuts_there()
    {
        var (text, stopped, _) = Feed(["}"], "{\"a\":1", "} trailing");
        Assert.True(stopped);
        Assert.Equal("{\"a\":1", text);
    }
}
