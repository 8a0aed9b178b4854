using EdgeLLM.Tokenizers.AddedTokens;
using EdgeLLM.Tokenizers.PreTokenizers;

namespace EdgeLLM.Tokenizers;

/// <summary>The lists one encode fills and clears, kept per thread so an encode does not allocate them anew.</summary>
internal sealed class EncodeScratch
{
    public List<Segment> Segments { get; } = [];

    public List<Segment> NormalizedSegments { get; } = [];

    public List<Piece> Pieces { get; } = [];

    public List<Piece> Words { get; } = [];
}
