using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// A check every request passes before it queues, such as the rolling energy budget. Returning an exception
/// refuses the request with that error; null admits it.
/// </summary>
public interface IAdmissionPolicy
{
    GenerationException? Refuse(GenerationRequest request);
}
