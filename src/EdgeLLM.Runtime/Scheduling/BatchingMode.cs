namespace EdgeLLM.Runtime.Scheduling;

/// <summary>How an executor shares its batch between requests.</summary>
public enum BatchingMode
{
    /// <summary>A request joins the running batch at the next token boundary (EdgeLLM's loop; GenAI on CUDA with paged attention).</summary>
    Continuous,

    /// <summary>A batch runs to its end before waiting requests start: a late request waits for the whole batch (GenAI's engine on CPU).</summary>
    Static,
}
