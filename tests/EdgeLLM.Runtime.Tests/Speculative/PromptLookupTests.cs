using EdgeLLM.Runtime.Speculative;

namespace EdgeLLM.Runtime.Tests.Speculative;

public class PromptLookupTests
{
    [Fact]
    public void The_continuation_of_the_latest_earlier_match_of_the_longest_ngram_is_proposed()
    {
        int[] history = [1, 2, 3, 9, 9, 1, 2, 3, 7, 8, 5, 2, 3];
        var proposal = new int[3];
        // "2 3" occurs at 1 and 6; the latest (6) is followed by 7 8 5.
        Assert.Equal(3, PromptLookup.Propose(history, 3, proposal));
        Assert.Equal([7, 8, 5], proposal);
    }

    [Fact]
    public void Nothing_is_proposed_when_the_last_token_never_occurred_before()
    {
        Assert.Equal(0, PromptLookup.Propose([1, 2, 3, 4], 3, new int[4]));
    }

    [Fact]
    public void A_proposal_stops_at_the_end_of_the_history()
    {
        var proposal = new int[5];
        Assert.Equal(3, PromptLookup.Propose([4, 5, 6, 4], 2, proposal));
        Assert.Equal([5, 6, 4], proposal[..3]);
    }

    [Fact]
    public void In_a_run_of_one_token_an_earlier_match_with_a_full_continuation_is_preferred()
    {
        var proposal = new int[4];
        Assert.Equal(4, PromptLookup.Propose([1, 7, 7, 7, 7, 7, 7, 7], 2, proposal));
        Assert.Equal([7, 7, 7, 7], proposal);
    }

    [Fact]
    public void A_proposal_is_no_longer_than_asked()
    {
        var proposal = new int[2];
        Assert.Equal(2, PromptLookup.Propose([4, 5, 6, 7, 4], 3, proposal));
        Assert.Equal([5, 6], proposal);
    }
}
