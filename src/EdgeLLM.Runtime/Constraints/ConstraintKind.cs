namespace EdgeLLM.Runtime.Constraints;

/// <summary>What an <see cref="OutputConstraint"/> holds the answer to.</summary>
public enum ConstraintKind
{
    /// <summary>Any JSON object (OpenAI's <c>{"type":"json_object"}</c>).</summary>
    JsonObject,

    /// <summary>A JSON value valid against <see cref="OutputConstraint.Schema"/>.</summary>
    JsonSchema,

    /// <summary>Text matching <see cref="OutputConstraint.Pattern"/> as a whole.</summary>
    Regex,
}
