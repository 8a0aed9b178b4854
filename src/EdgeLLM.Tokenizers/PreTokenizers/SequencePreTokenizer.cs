namespace EdgeLLM.Tokenizers.PreTokenizers;

internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> Steps => steps;

    public void PreTokenize(List<Piece> input, List<Piece> output)
    {
        var current = input;
        for (var i = 0; i < steps.Count; i++)
        {
            var next = i == steps.Count - 1 ? output : new List<Piece>(current.Count * 2);
            steps[i].PreTokenize(current, next);
            current = next;
        }
        if (steps.Count == 0)
        {
            output.AddRange(input);
        }
    }
}
