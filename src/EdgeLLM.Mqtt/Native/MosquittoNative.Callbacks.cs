using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

internal static unsafe partial class MosquittoNative
{
    // void on_connect(struct mosquitto *, void *obj, int rc, int flags, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_connect_v5_callback_set")]
    internal static partial void ConnectV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void> callback);

    // void on_disconnect(struct mosquitto *, void *obj, int rc, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_v5_callback_set")]
    internal static partial void DisconnectV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, void> callback);

    // void on_publish(struct mosquitto *, void *obj, int mid, int reason_code, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_publish_v5_callback_set")]
    internal static partial void PublishV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void> callback);

    // void on_message(struct mosquitto *, void *obj, const struct mosquitto_message *, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_message_v5_callback_set")]
    internal static partial void MessageV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, NativeMessage*, IntPtr, void> callback);

    // void on_subscribe(struct mosquitto *, void *obj, int mid, int qos_count, const int *granted_qos, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_v5_callback_set")]
    internal static partial void SubscribeV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, int*, IntPtr, void> callback);

    // void on_unsubscribe(struct mosquitto *, void *obj, int mid, const mosquitto_property *props)
    [LibraryImport(Library, EntryPoint = "mosquitto_unsubscribe_v5_callback_set")]
    internal static partial void UnsubscribeV5CallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, void> callback);

    // void on_log(struct mosquitto *, void *obj, int level, const char *str)
    [LibraryImport(Library, EntryPoint = "mosquitto_log_callback_set")]
    internal static partial void LogCallbackSet(MosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, byte*, void> callback);
}
