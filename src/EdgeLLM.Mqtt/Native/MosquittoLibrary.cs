namespace EdgeLLM.Mqtt.Native;

/// <summary>
/// Loads and initialises libmosquitto once per process. <c>mosquitto_lib_cleanup</c> is deliberately never called:
/// it tears down OpenSSL's global state, which cannot be reliably set up again in the same process, and the process
/// exit releases it anyway.
/// </summary>
internal static class MosquittoLibrary
{
    private static readonly Lazy<Version> s_version = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded libmosquitto's version; loads and initialises the library on first use.</summary>
    public static Version Version => s_version.Value;

    public static void EnsureInitialized() => _ = s_version.Value;

    private static Version Initialize()
    {
        int major, minor, revision;
        try
        {
            MosquittoNative.LibVersion(out major, out minor, out revision);
        }
        catch (DllNotFoundException e)
        {
            throw new MqttException(
                $"{MosquittoNative.Library} could not be loaded; install Debian's libmosquitto1 (apt-get install libmosquitto1). Loader: {e.Message}",
                MqttErrorCode.NotFound, innerException: e);
        }
        if (major != 2)
        {
            throw new MqttException(
                $"{MosquittoNative.Library} is version {major}.{minor}.{revision}; EdgeLLM.Mqtt needs libmosquitto 2.x (MQTT 5 API).",
                MqttErrorCode.NotSupported);
        }
        int rc = MosquittoNative.LibInit();
        if (rc != 0)
        {
            throw MqttException.FromError("mosquitto_lib_init", rc);
        }
        return new Version(major, minor, revision);
    }
}
