namespace EdgeLLM.Mqtt.Messages;

/// <summary>MQTT 5 subscription options (<c>enum mqtt5_sub_options</c>); combine with <c>|</c>.</summary>
[Flags]
public enum MqttSubscriptionOptions
{
    /// <summary>Defaults: own messages are delivered, retained messages are sent on every subscribe.</summary>
    None = 0,
    /// <summary>Do not deliver messages this client published itself.</summary>
    NoLocal = 0x04,
    /// <summary>Keep the retain flag as the publisher set it instead of clearing it on forwarded messages.</summary>
    RetainAsPublished = 0x08,
    /// <summary>Send retained messages only when the subscription did not exist before.</summary>
    SendRetainedOnlyForNewSubscription = 0x10,
    /// <summary>Never send retained messages on subscribe.</summary>
    DoNotSendRetained = 0x20,
}
