using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// libmosquitto's callbacks. They run on the network thread, so each one only copies what it needs, writes it to an
/// unbounded channel (which never blocks) and returns. No exception ever leaves them: it would tear down the process.
/// </summary>
internal static unsafe class NativeCallbacks
{
    public static void Register(MosquittoHandle handle)
    {
        MosquittoNative.ConnectV5CallbackSet(handle, &OnConnect);
        MosquittoNative.DisconnectV5CallbackSet(handle, &OnDisconnect);
        MosquittoNative.PublishV5CallbackSet(handle, &OnPublish);
        MosquittoNative.MessageV5CallbackSet(handle, &OnMessage);
        MosquittoNative.SubscribeV5CallbackSet(handle, &OnSubscribe);
        MosquittoNative.UnsubscribeV5CallbackSet(handle, &OnUnsubscribe);
        MosquittoNative.LogCallbackSet(handle, &OnLog);
    }

    [UnmanagedCallersOnly]
    internal static void OnConnect(IntPtr mosq, IntPtr userData, int reasonCode, int flags, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            if (sink is null)
            {
                return;
            }
            if (reasonCode == 0)
            {
                sink.FailedAttempts = 0;
            }
            sink.Post(NetworkEventKind.Connected, reasonCode, flags);
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnDisconnect(IntPtr mosq, IntPtr userData, int code, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            sink?.Post(NetworkEventKind.Disconnected, code);
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnPublish(IntPtr mosq, IntPtr userData, int mid, int reasonCode, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            sink?.Post(NetworkEventKind.Published, reasonCode, mid);
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnMessage(IntPtr mosq, IntPtr userData, NativeMessage* message, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            if (sink is null || message == null || message->Topic == IntPtr.Zero)
            {
                return;
            }
            // A false return means the channel is completed: the client is being disposed and nobody will read it.
            sink.Messages.TryWrite(IncomingMessageCopier.Copy(message, properties, sink.Topics));
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnSubscribe(IntPtr mosq, IntPtr userData, int mid, int count, int* granted, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            // The client subscribes one filter per SUBSCRIBE, so one granted QoS (or failure reason code) comes back.
            int code = count > 0 && granted != null ? granted[0] : (int)MqttReasonCode.UnspecifiedError;
            sink?.Post(NetworkEventKind.Subscribed, code, mid);
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnUnsubscribe(IntPtr mosq, IntPtr userData, int mid, IntPtr properties)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            sink?.Post(NetworkEventKind.Unsubscribed, 0, mid);
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    [UnmanagedCallersOnly]
    internal static void OnLog(IntPtr mosq, IntPtr userData, int level, byte* text)
    {
        CallbackSink? sink = null;
        try
        {
            sink = CallbackSink.FromUserData(userData);
            if (sink is null || text == null)
            {
                return;
            }
            bool important = (level & (MosquittoConstants.LogError | MosquittoConstants.LogWarning)) != 0;
            if (important || sink.ForwardDebugLog)
            {
                sink.Post(NetworkEventKind.Log, level, 0, Marshal.PtrToStringUTF8((IntPtr)text));
            }
        }
        catch (Exception e)
        {
            ReportFault(sink, e);
        }
    }

    private static void ReportFault(CallbackSink? sink, Exception exception)
    {
        try
        {
            sink?.Post(NetworkEventKind.CallbackFault, 0, 0, exception.ToString());
        }
        catch
        {
            // Nothing more can be done on the network thread; swallowing is the only safe choice here.
        }
    }
}
