namespace EdgeLLM.Mqtt;

/// <summary>Which rule of the contract chose a reply topic (see <see cref="ReplyRoute.Resolve"/>).</summary>
public enum ReplySource
{
    /// <summary>The request's MQTT 5 Response Topic.</summary>
    ResponseTopic,
    /// <summary>The request's <c>reply_to</c> field.</summary>
    ReplyTo,
    /// <summary><c>{root}/{device}/response/{id}</c>.</summary>
    DefaultTopic,
    /// <summary><c>{root}/{device}/response/error</c>: no usable topic and no usable id.</summary>
    ErrorTopic,
}
