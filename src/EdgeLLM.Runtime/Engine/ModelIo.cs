using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Engine;

/// <summary>The decoder's input and output names in the order every run passes them.</summary>
internal sealed class ModelIo
{
    public ModelIo(DecoderSession session)
    {
        var d = session.Decoder;
        var inputs = new List<string> { d.Inputs.InputIds, d.Inputs.AttentionMask };
        if (session.HasPositionIds)
        {
            inputs.Add(d.Inputs.PositionIds!);
        }
        SelectsLogits = session.SelectsLogitsPositions;
        LogitsIndicesInput = SelectsLogits ? inputs.Count : -1;
        if (SelectsLogits)
        {
            inputs.Add(Onnx.LogitsIndexGraph.InputName);
        }
        FirstPastInput = inputs.Count;
        var outputs = new List<string> { d.Outputs.Logits };
        for (var l = 0; l < d.NumHiddenLayers; l++)
        {
            inputs.Add(d.Inputs.PastKey(l));
            inputs.Add(d.Inputs.PastValue(l));
            outputs.Add(d.Outputs.PresentKey(l));
            outputs.Add(d.Outputs.PresentValue(l));
        }
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
    }

    /// <summary>input_ids, attention_mask, [position_ids], [logits indices], then past key/value per layer.</summary>
    public string[] Inputs { get; }

    /// <summary>logits, then present key/value per layer.</summary>
    public string[] Outputs { get; }

    public int FirstPastInput { get; }

    /// <summary>True when every run passes the positions whose logits it wants (<see cref="LogitsIndicesInput"/>).</summary>
    public bool SelectsLogits { get; }

    /// <summary>Index of the logits-index input in <see cref="Inputs"/>; -1 when the graph computes every position.</summary>
    public int LogitsIndicesInput { get; }

    /// <summary>Rows of logits a run of <paramref name="count"/> positions returns when only the last is read.</summary>
    public int LastRows(int count) => SelectsLogits ? 1 : count;
}
