using EdgeLLM.Mqtt.Messages;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeLLM.Mqtt.Client;

/// <summary>MQTTnet's client options from <see cref="MqttConnectionOptions"/>.</summary>
internal static class MqttClientOptionsFactory
{
    public static MqttClientOptions Create(MqttConnectionOptions options)
    {
        bool v5 = options.Protocol == MqttProtocol.V500;
        MqttClientOptionsBuilder builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(v5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
            .WithClientId(options.ClientId ?? "")
            .WithCleanStart(options.CleanStart)
            .WithTimeout(options.CommunicationTimeout);
        // MQTTnet runs no keepalive loop of its own: KeepAliveChannelAdapter puts options.KeepAlive into the CONNECT and
        // MqttKeepAlive pings (MQTTnet's loop wakes every 250 ms on an idle device).
        builder = builder.WithNoKeepAlive();
        if (v5)
        {
            builder.WithSessionExpiryInterval(options.SessionExpirySeconds);
        }
        if (options.Username is not null)
        {
            builder.WithCredentials(options.Username, options.Password);
        }
        if (options.Tls.Enabled)
        {
            builder.WithTlsOptions(MqttTlsSetup.Create(options.Tls, options.Host));
        }
        if (options.LastWill is { } will)
        {
            builder.WithWillTopic(will.Topic)
                .WithWillPayload(will.Payload.ToArray())
                .WithWillRetain(will.Retain)
                .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)will.QualityOfService);
            if (v5)
            {
                if (will.ContentType is not null)
                {
                    builder.WithWillContentType(will.ContentType);
                }
                if (will.MessageExpirySeconds is { } expiry)
                {
                    builder.WithWillMessageExpiryInterval(expiry);
                }
                foreach (MqttUserProperty property in will.UserProperties)
                {
                    builder.WithWillUserProperty(property.Name, System.Text.Encoding.UTF8.GetBytes(property.Value).AsMemory());
                }
            }
        }
        return builder.Build();
    }
}
