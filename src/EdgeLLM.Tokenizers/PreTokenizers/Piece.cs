namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>A stretch of text on its way to the model; <see cref="AtStart"/> marks the one that begins the input.</summary>
internal readonly record struct Piece(string Text, bool AtStart);
