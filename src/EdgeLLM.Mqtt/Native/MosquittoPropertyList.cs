using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// Owns one <c>mosquitto_property*</c> list built for an outgoing packet (CONNECT, PUBLISH, Will). An empty list is a
/// null pointer, which every libmosquitto call accepts as "no properties".
/// </summary>
internal sealed unsafe class MosquittoPropertyList : SafeHandle
{
    public MosquittoPropertyList() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The list head to pass to libmosquitto while this object is alive (null when empty).</summary>
    public IntPtr Pointer => handle;

    public void AddInt32(MqttPropertyId id, uint value) =>
        Check(MosquittoNative.PropertyAddInt32(ref handle, (int)id, value), id);

    public void AddString(MqttPropertyId id, string value) =>
        Check(MosquittoNative.PropertyAddString(ref handle, (int)id, value), id);

    public void AddStringPair(MqttPropertyId id, string name, string value) =>
        Check(MosquittoNative.PropertyAddStringPair(ref handle, (int)id, name, value), id);

    public void AddBinary(MqttPropertyId id, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new MqttException($"MQTT property {id} is {value.Length} bytes; binary properties hold at most {ushort.MaxValue}.", MqttErrorCode.InvalidInput);
        }
        fixed (byte* p = value)
        {
            Check(MosquittoNative.PropertyAddBinary(ref handle, (int)id, p, (ushort)value.Length), id);
        }
    }

    /// <summary>Adds the MQTT 5 properties an application message carries (Will or PUBLISH).</summary>
    public void AddMessageProperties(MqttMessage message)
    {
        if (message.ResponseTopic is not null)
        {
            AddString(MqttPropertyId.ResponseTopic, message.ResponseTopic);
        }
        if (!message.CorrelationData.IsEmpty)
        {
            AddBinary(MqttPropertyId.CorrelationData, message.CorrelationData.Span);
        }
        if (message.ContentType is not null)
        {
            AddString(MqttPropertyId.ContentType, message.ContentType);
        }
        if (message.MessageExpirySeconds is { } expiry)
        {
            AddInt32(MqttPropertyId.MessageExpiryInterval, expiry);
        }
        IReadOnlyList<MqttUserProperty> userProperties = message.UserProperties;
        for (int i = 0; i < userProperties.Count; i++)
        {
            AddStringPair(MqttPropertyId.UserProperty, userProperties[i].Name, userProperties[i].Value);
        }
    }

    /// <summary>Frees the properties and leaves an empty list, so one instance can be reused for every publish.</summary>
    public void Clear()
    {
        if (handle != IntPtr.Zero)
        {
            MosquittoNative.PropertyFreeAll(ref handle);
        }
    }

    /// <summary>Call after libmosquitto took ownership of the list (<c>mosquitto_will_set_v5</c> succeeded).</summary>
    public void ReleaseOwnership()
    {
        handle = IntPtr.Zero;
        SetHandleAsInvalid();
    }

    protected override bool ReleaseHandle()
    {
        MosquittoNative.PropertyFreeAll(ref handle);
        return true;
    }

    private static void Check(int rc, MqttPropertyId id)
    {
        if (rc != 0)
        {
            throw MqttException.FromError($"Adding MQTT property {id}", rc);
        }
    }
}
