using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Cli.Bench;

/// <summary>A raw benchmark prompt of a chosen token count, and the ids EdgeLLM feeds for it (the peer gets the same ids).</summary>
internal sealed record BenchPrompt(string Text, int[] Ids)
{
    private static readonly string[] Words =
        "turn on the kitchen lights at 7pm then set the thermostat in the living room to 21C and please lock the front door sensor greenhouse-3 reports temp 47.5C hum 40%".Split(' ');

    /// <summary>Adds words while the prompt stays within <paramref name="tokens"/> tokens.</summary>
    public static BenchPrompt Build(LanguageModel model, int tokens)
    {
        var text = Words[0];
        var ids = model.EncodePrompt(text, fromTemplate: false);
        for (var i = 1; ids.Length < tokens; i++)
        {
            var longer = $"{text} {Words[i % Words.Length]}";
            var longerIds = model.EncodePrompt(longer, fromTemplate: false);
            if (longerIds.Length > tokens)
            {
                break;
            }
            (text, ids) = (longer, longerIds);
        }
        return new BenchPrompt(text, ids);
    }
}
