using System.Text.RegularExpressions;

namespace EdgeLLM.Tokenizers.PreTokenizers;

/// <summary>Cuts one string at the matches of a pattern, treating the matches as Hugging Face's split does.</summary>
internal static class Splitter
{
    public static void Split(Piece piece, Regex pattern, SplitBehavior behavior, bool invert, List<Piece> output)
    {
        var text = piece.Text;
        if (text.Length == 0)
        {
            return;
        }
        // (start, length, isMatch) covering the whole text
        var parts = new List<(int Start, int Length, bool IsMatch)>();
        var last = 0;
        for (var m = pattern.Match(text); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0)
            {
                continue;
            }
            if (m.Index > last)
            {
                parts.Add((last, m.Index - last, invert));
            }
            parts.Add((m.Index, m.Length, !invert));
            last = m.Index + m.Length;
        }
        if (last < text.Length)
        {
            parts.Add((last, text.Length - last, invert));
        }
        Emit(piece, parts, behavior, output);
    }

    private static void Emit(Piece piece, List<(int Start, int Length, bool IsMatch)> parts, SplitBehavior behavior, List<Piece> output)
    {
        var text = piece.Text;
        var pendingStart = -1;
        var pendingEnd = -1;
        void Flush(List<Piece> o)
        {
            if (pendingStart >= 0 && pendingEnd > pendingStart)
            {
                o.Add(new Piece(text[pendingStart..pendingEnd], piece.AtStart && pendingStart == 0));
            }
            pendingStart = pendingEnd = -1;
        }
        for (var i = 0; i < parts.Count; i++)
        {
            var (start, length, isMatch) = parts[i];
            var end = start + length;
            switch (behavior)
            {
                case SplitBehavior.MatchesOnly:
                    if (isMatch)
                    {
                        output.Add(new Piece(text[start..end], piece.AtStart && start == 0));
                    }
                    break;
                case SplitBehavior.Removed:
                    if (!isMatch)
                    {
                        output.Add(new Piece(text[start..end], piece.AtStart && start == 0));
                    }
                    break;
                case SplitBehavior.Isolated:
                    output.Add(new Piece(text[start..end], piece.AtStart && start == 0));
                    break;
                case SplitBehavior.MergedWithPrevious:
                    if (isMatch && pendingStart >= 0)
                    {
                        pendingEnd = end;
                        Flush(output);
                    }
                    else
                    {
                        Flush(output);
                        pendingStart = start;
                        pendingEnd = end;
                        if (isMatch)
                        {
                            Flush(output);
                        }
                    }
                    break;
                case SplitBehavior.MergedWithNext:
                    if (isMatch)
                    {
                        Flush(output);
                        pendingStart = start;
                        pendingEnd = end;
                    }
                    else
                    {
                        if (pendingStart < 0)
                        {
                            pendingStart = start;
                        }
                        pendingEnd = end;
                        Flush(output);
                    }
                    break;
                case SplitBehavior.Contiguous:
                    if (isMatch && pendingStart >= 0 && parts[i - 1].IsMatch)
                    {
                        pendingEnd = end;
                    }
                    else
                    {
                        Flush(output);
                        pendingStart = start;
                        pendingEnd = end;
                    }
                    break;
            }
        }
        Flush(output);
    }
}
