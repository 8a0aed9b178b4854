using System.Runtime.InteropServices;

namespace EdgeLLM.Mqtt.Native;

internal static unsafe partial class MosquittoNative
{
    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_byte")]
    internal static partial int PropertyAddByte(ref IntPtr list, int identifier, byte value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_int16")]
    internal static partial int PropertyAddInt16(ref IntPtr list, int identifier, ushort value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_int32")]
    internal static partial int PropertyAddInt32(ref IntPtr list, int identifier, uint value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_varint")]
    internal static partial int PropertyAddVarint(ref IntPtr list, int identifier, uint value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_binary")]
    internal static partial int PropertyAddBinary(ref IntPtr list, int identifier, byte* value, ushort length);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PropertyAddString(ref IntPtr list, int identifier, string value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_add_string_pair", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PropertyAddStringPair(ref IntPtr list, int identifier, string name, string value);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_identifier")]
    internal static partial int PropertyIdentifier(IntPtr property);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_next")]
    internal static partial IntPtr PropertyNext(IntPtr property);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_byte")]
    internal static partial IntPtr PropertyReadByte(IntPtr list, int identifier, out byte value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_int16")]
    internal static partial IntPtr PropertyReadInt16(IntPtr list, int identifier, out ushort value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_int32")]
    internal static partial IntPtr PropertyReadInt32(IntPtr list, int identifier, out uint value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_varint")]
    internal static partial IntPtr PropertyReadVarint(IntPtr list, int identifier, out uint value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    /// <summary>On success <paramref name="value"/> is a malloc'd copy the caller must free().</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_binary")]
    internal static partial IntPtr PropertyReadBinary(IntPtr list, int identifier, out IntPtr value, out ushort length, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    /// <summary>On success <paramref name="value"/> is a malloc'd copy the caller must free().</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_string")]
    internal static partial IntPtr PropertyReadString(IntPtr list, int identifier, out IntPtr value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    /// <summary>On success <paramref name="name"/> and <paramref name="value"/> are malloc'd copies the caller must free().</summary>
    [LibraryImport(Library, EntryPoint = "mosquitto_property_read_string_pair")]
    internal static partial IntPtr PropertyReadStringPair(IntPtr list, int identifier, out IntPtr name, out IntPtr value, [MarshalAs(UnmanagedType.U1)] bool skipFirst);

    [LibraryImport(Library, EntryPoint = "mosquitto_property_free_all")]
    internal static partial void PropertyFreeAll(ref IntPtr list);
}
