using System.Buffers;
using System.Runtime.InteropServices;
using EdgeLLM.Onnx.Native;

namespace EdgeLLM.Onnx;

/// <summary>
/// A tensor owned by ONNX Runtime's <c>OrtValue</c>: either over caller memory (pinned for this value's
/// lifetime) or allocated by ORT. Element type, shape and data pointer are read once, so reading the data
/// as a span costs nothing per call.
/// </summary>
public sealed unsafe class OrtValue : SafeHandle
{
    private MemoryHandle _pin;
    private readonly long[] _shape;
    private readonly void* _data;

    private OrtValue(IntPtr handle, MemoryHandle pin)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
        _pin = pin;
        int isTensor;
        OrtStatus.Check(OrtApi.IsTensor(handle, &isTensor));
        if (isTensor == 0)
        {
            _shape = [];
            return;
        }
        IntPtr info;
        OrtStatus.Check(OrtApi.GetTensorTypeAndShape(handle, &info));
        try
        {
            int type;
            OrtStatus.Check(OrtApi.GetTensorElementType(info, &type));
            ElementType = (TensorElementType)type;
            _shape = ReadDimensions(info);
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
        ElementCount = _shape.Length == 0 ? 1 : TensorTypes.ElementCount(_shape);
        void* data;
        OrtStatus.Check(OrtApi.GetTensorMutableData(handle, &data));
        _data = data;
        IsTensor = true;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public bool IsTensor { get; }

    public TensorElementType ElementType { get; }

    public ReadOnlySpan<long> Shape => _shape;

    public long ElementCount { get; }

    /// <summary>Where the tensor's data lives; valid while this value is alive.</summary>
    public IntPtr DataPointer => (IntPtr)_data;

    /// <summary>A tensor over <paramref name="data"/>, which stays pinned until this value is disposed.</summary>
    /// <exception cref="ArgumentException">The buffer is smaller than the shape needs, or T is not an ONNX type.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        var type = TensorTypes.Of<T>();
        var needed = TensorTypes.ElementCount(shape);
        if (data.Length < needed)
        {
            throw new ArgumentException($"a {type} tensor of shape [{string.Join(", ", shape.ToArray())}] needs {needed} elements; the buffer has {data.Length}", nameof(data));
        }
        var pin = data.Pin();
        try
        {
            return Create(pin.Pointer, needed * sizeof(T), type, shape, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over native memory the caller owns and keeps alive longer than this value.</summary>
    public static OrtValue CreateTensor(IntPtr data, long byteLength, TensorElementType type, ReadOnlySpan<long> shape)
    {
        var needed = TensorTypes.ElementCount(shape) * TensorTypes.SizeOf(type);
        if (TensorTypes.SizeOf(type) == 0 || byteLength < needed)
        {
            throw new ArgumentException($"a {type} tensor of shape [{string.Join(", ", shape.ToArray())}] needs {needed} bytes; the buffer has {byteLength}", nameof(byteLength));
        }
        return Create((void*)data, needed, type, shape, default);
    }

    /// <summary>A tensor whose memory ONNX Runtime allocates (and frees with this value).</summary>
    public static OrtValue Allocate(TensorElementType type, ReadOnlySpan<long> shape)
    {
        TensorTypes.ElementCount(shape);
        IntPtr value;
        fixed (long* dims = shape)
        {
            OrtStatus.Check(OrtApi.CreateTensorAsOrtValue(CpuMemory.Allocator, dims, (nuint)shape.Length, (int)type, &value));
        }
        return new OrtValue(value, default);
    }

    private static OrtValue Create(void* data, long byteLength, TensorElementType type, ReadOnlySpan<long> shape, MemoryHandle pin)
    {
        IntPtr value;
        fixed (long* dims = shape)
        {
            OrtStatus.Check(OrtApi.CreateTensorWithDataAsOrtValue(CpuMemory.Info, data, (nuint)byteLength, dims, (nuint)shape.Length, (int)type, &value));
        }
        return new OrtValue(value, pin);
    }

    /// <summary>Takes ownership of a value ORT created (a Run output).</summary>
    internal static OrtValue FromOwnedHandle(IntPtr handle) => new(handle, default);

    /// <summary>The tensor's elements. <typeparamref name="T"/> must match <see cref="ElementType"/>.</summary>
    public Span<T> GetTensorSpan<T>() where T : unmanaged
    {
        if (!IsTensor || TensorTypes.Of<T>() != ElementType)
        {
            throw new InvalidOperationException($"this value holds {(IsTensor ? ElementType.ToString() : "no tensor")}, not {typeof(T).Name}");
        }
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return new Span<T>(_data, checked((int)ElementCount));
    }

    private static long[] ReadDimensions(IntPtr info)
    {
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(info, &rank));
        var dims = new long[(int)rank];
        fixed (long* p = dims)
        {
            OrtStatus.Check(OrtApi.GetDimensions(info, p, rank));
        }
        return dims;
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        _pin.Dispose();
        return true;
    }
}
