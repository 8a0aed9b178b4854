namespace EdgeLLM.Runtime.Scheduling;

/// <summary>Where a <see cref="Slot"/> stands in its request's life (llama.cpp's <c>slot_state</c>).</summary>
internal enum SlotState
{
    /// <summary>Its prompt is still going in; the loop prefills it, maybe a chunk at a time, between decode steps.</summary>
    Prefilling,

    /// <summary>It takes part in every decode step.</summary>
    Decoding,

    /// <summary>Its request has its one outcome; the loop frees the slot before the next step.</summary>
    Finished,
}
