using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// What libmosquitto's callbacks reach through their <c>userdata</c> pointer: the two channel writers and the native
/// handle. A normal <see cref="GCHandle"/> keeps it alive (and, through it, the handle, so the handle's finalizer can
/// never destroy an instance whose network thread is still running) until the owning session frees it after the
/// thread has stopped.
/// </summary>
internal sealed class CallbackSink
{
    private GCHandle _self;

    public CallbackSink(int session, ChannelWriter<MqttMessage> messages, ChannelWriter<NetworkEvent> events, bool forwardDebugLog)
    {
        Session = session;
        Messages = messages;
        Events = events;
        ForwardDebugLog = forwardDebugLog;
        _self = GCHandle.Alloc(this, GCHandleType.Normal);
    }

    /// <summary>Stamped on every event, so the client can ignore late events of a session it already stopped.</summary>
    public int Session { get; }

    public ChannelWriter<MqttMessage> Messages { get; }

    public ChannelWriter<NetworkEvent> Events { get; }

    /// <summary>Forward libmosquitto's debug/info lines too (only when the logger wants Debug); errors and warnings always go.</summary>
    public bool ForwardDebugLog { get; }

    public TopicCache Topics { get; } = new();

    /// <summary>Keeps the native instance reachable for as long as callbacks can run; set once it exists.</summary>
    public MosquittoHandle? Handle { get; set; }

    /// <summary>Reconnect attempts since the last accepted CONNACK; written by the connect callback on the network thread.</summary>
    public int FailedAttempts;

    /// <summary>The value given to libmosquitto as <c>userdata</c>.</summary>
    public IntPtr UserData => GCHandle.ToIntPtr(_self);

    public bool IsHandleAllocated => _self.IsAllocated;

    /// <summary>Queues an event for the client; never blocks (the channel is unbounded) and fails only once it is completed.</summary>
    public void Post(NetworkEventKind kind, int code = 0, int value = 0, string? text = null) =>
        Events.TryWrite(new NetworkEvent(Session, kind, code, value, text));

    /// <summary>The sink behind a callback's <c>userdata</c>, or null when there is none.</summary>
    public static CallbackSink? FromUserData(IntPtr userData) =>
        userData == IntPtr.Zero ? null : GCHandle.FromIntPtr(userData).Target as CallbackSink;

    /// <summary>Call only once no callback can run any more (the network thread has ended).</summary>
    public void Release()
    {
        if (_self.IsAllocated)
        {
            _self.Free();
        }
        Handle = null;
    }
}
