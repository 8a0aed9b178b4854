using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// Turns the message libmosquitto lends to the message callback into an <see cref="MqttMessage"/> that owns copies of
/// everything. Allocates the payload array, the message, and only the properties actually present.
/// </summary>
internal static unsafe class IncomingMessageCopier
{
    public static MqttMessage Copy(NativeMessage* native, IntPtr properties, TopicCache topics)
    {
        string topic = topics.Get(native->Topic);
        byte[] payload = native->PayloadLength <= 0 || native->Payload == IntPtr.Zero
            ? []
            : new ReadOnlySpan<byte>((void*)native->Payload, native->PayloadLength).ToArray();

        string? responseTopic = null;
        string? contentType = null;
        byte[]? correlationData = null;
        uint? expirySeconds = null;
        List<MqttUserProperty>? userProperties = null;
        for (IntPtr property = properties; property != IntPtr.Zero; property = MosquittoNative.PropertyNext(property))
        {
            var id = (MqttPropertyId)MosquittoNative.PropertyIdentifier(property);
            switch (id)
            {
                case MqttPropertyId.ResponseTopic:
                    responseTopic = ReadString(property, id);
                    break;
                case MqttPropertyId.ContentType:
                    contentType = ReadString(property, id);
                    break;
                case MqttPropertyId.CorrelationData:
                    correlationData = ReadBinary(property, id);
                    break;
                case MqttPropertyId.MessageExpiryInterval:
                    if (MosquittoNative.PropertyReadInt32(property, (int)id, out uint seconds, skipFirst: false) != IntPtr.Zero)
                    {
                        expirySeconds = seconds;
                    }
                    break;
                case MqttPropertyId.UserProperty:
                    if (ReadStringPair(property, id) is { } pair)
                    {
                        (userProperties ??= []).Add(pair);
                    }
                    break;
            }
        }

        return new MqttMessage
        {
            Topic = topic,
            Payload = payload,
            QualityOfService = (MqttQualityOfService)native->Qos,
            Retain = native->Retain != 0,
            ResponseTopic = responseTopic,
            CorrelationData = correlationData,
            ContentType = contentType,
            MessageExpiry = expirySeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            UserProperties = userProperties is null ? [] : userProperties,
        };
    }

    private static string? ReadString(IntPtr property, MqttPropertyId id)
    {
        if (MosquittoNative.PropertyReadString(property, (int)id, out IntPtr value, skipFirst: false) == IntPtr.Zero || value == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(value);
        }
        finally
        {
            NativeMemory.Free((void*)value);
        }
    }

    private static byte[]? ReadBinary(IntPtr property, MqttPropertyId id)
    {
        if (MosquittoNative.PropertyReadBinary(property, (int)id, out IntPtr value, out ushort length, skipFirst: false) == IntPtr.Zero)
        {
            return null;
        }
        if (value == IntPtr.Zero)
        {
            return [];
        }
        try
        {
            return new ReadOnlySpan<byte>((void*)value, length).ToArray();
        }
        finally
        {
            NativeMemory.Free((void*)value);
        }
    }

    private static MqttUserProperty? ReadStringPair(IntPtr property, MqttPropertyId id)
    {
        if (MosquittoNative.PropertyReadStringPair(property, (int)id, out IntPtr name, out IntPtr value, skipFirst: false) == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return new MqttUserProperty(Marshal.PtrToStringUTF8(name) ?? "", Marshal.PtrToStringUTF8(value) ?? "");
        }
        finally
        {
            NativeMemory.Free((void*)name);
            NativeMemory.Free((void*)value);
        }
    }
}
