namespace EdgeLLM.Runtime.Generation;

/// <summary>Admission order: higher first; equal priorities are served in arrival order.</summary>
public enum RequestPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
}
