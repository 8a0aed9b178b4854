using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// The libmosquitto 2.0 entry points EdgeLLM uses (signatures from Debian bookworm's <c>/usr/include/mosquitto.h</c>).
/// C <c>bool</c> is one byte; properties travel as raw <c>mosquitto_property*</c> owned by <see cref="MosquittoPropertyList"/>.
/// </summary>
internal static unsafe partial class MosquittoNative
{
    internal const string Library = "libmosquitto.so.1";

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_init")]
    internal static partial int LibInit();

    [LibraryImport(Library, EntryPoint = "mosquitto_lib_version")]
    internal static partial int LibVersion(out int major, out int minor, out int revision);

    [LibraryImport(Library, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial IntPtr New(string? id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, IntPtr userdata);

    [LibraryImport(Library, EntryPoint = "mosquitto_destroy")]
    internal static partial void Destroy(IntPtr mosq);

    [LibraryImport(Library, EntryPoint = "mosquitto_int_option")]
    internal static partial int IntOption(MosquittoHandle mosq, int option, int value);

    [LibraryImport(Library, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UsernamePasswordSet(MosquittoHandle mosq, string? username, string? password);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TlsSet(MosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, IntPtr passwordCallback);

    [LibraryImport(Library, EntryPoint = "mosquitto_tls_insecure_set")]
    internal static partial int TlsInsecureSet(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool value);

    /// <summary>On success libmosquitto takes ownership of <paramref name="properties"/>; on failure the caller still owns it.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_will_set_v5", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int WillSetV5(MosquittoHandle mosq, string topic, int payloadLength, byte* payload, int qos,
        [MarshalAs(UnmanagedType.U1)] bool retain, IntPtr properties);

    /// <summary>Blocking TCP connect, then CONNECT is queued. libmosquitto keeps a copy of <paramref name="properties"/> for every reconnect.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_connect_bind_v5", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int ConnectBindV5(MosquittoHandle mosq, string host, int port, int keepalive, string? bindAddress, IntPtr properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_reconnect_async", SetLastError = true)]
    internal static partial int ReconnectAsync(MosquittoHandle mosq);

    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_v5")]
    internal static partial int DisconnectV5(MosquittoHandle mosq, int reasonCode, IntPtr properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_v5", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SubscribeV5(MosquittoHandle mosq, out int mid, string subscription, int qos, int options, IntPtr properties);

    [LibraryImport(Library, EntryPoint = "mosquitto_unsubscribe_v5", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int UnsubscribeV5(MosquittoHandle mosq, out int mid, string subscription, IntPtr properties);

    /// <summary>Copies topic, payload and properties; for QoS &gt; 0 the message joins libmosquitto's outgoing queue.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_publish_v5", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PublishV5(MosquittoHandle mosq, out int mid, string topic, int payloadLength, byte* payload, int qos,
        [MarshalAs(UnmanagedType.U1)] bool retain, IntPtr properties);

    /// <summary>Returns a static string: never free it.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_strerror")]
    internal static partial IntPtr StrError(int error);

    /// <summary>Returns a static string: never free it.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_reason_string")]
    internal static partial IntPtr ReasonString(int reasonCode);

    /// <summary>One pass of the network loop: select (up to <paramref name="timeoutMs"/>), read, write, keepalive.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_loop", SetLastError = true)]
    internal static partial int Loop(MosquittoHandle mosq, int timeoutMs, int maxPackets);

    /// <summary>Tells libmosquitto another thread drives the loop, so callers' threads only queue packets and never write.</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_threaded_set")]
    internal static partial int ThreadedSet(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);
}
