using System.Buffers;
using EdgeLLM.Service.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLLM.Service.Tests.Hosting;

public class SharedMemoryPoolFactoryTests
{
    [Fact]
    public async Task Kestrel_gets_the_shared_pool_and_answers_over_it()
    {
        await using var service = await RunningService.StartAsync();

        // Kestrel's pinned-block pools would queue an eviction to the thread pool every 10 s on an idle device.
        var factory = service.Services.GetRequiredService<IMemoryPoolFactory<byte>>();
        Assert.IsType<SharedMemoryPoolFactory>(factory);
        Assert.Same(MemoryPool<byte>.Shared, factory.Create());
        using var response = await service.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode);
    }
}
