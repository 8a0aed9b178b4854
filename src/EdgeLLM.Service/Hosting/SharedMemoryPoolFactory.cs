using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace EdgeLLM.Service.Hosting;

/// <summary>
/// Gives Kestrel <see cref="MemoryPool{T}.Shared"/> (buffers from <see cref="ArrayPool{T}.Shared"/>) instead of its
/// pinned-block pools. ASP.NET Core 10's pools are trimmed by an eviction that Kestrel's heartbeat queues to the
/// thread pool every 10 s for each pool, which wakes two pool workers on an idle device every 10 s (issue 25: threads
/// at idle). <see cref="ArrayPool{T}.Shared"/> trims itself when the GC runs instead, and a device serves a few
/// requests a minute, so the pinned blocks' speed is not needed: Linux sockets pin a buffer only for the system call.
/// </summary>
public sealed class SharedMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => MemoryPool<byte>.Shared;
}
