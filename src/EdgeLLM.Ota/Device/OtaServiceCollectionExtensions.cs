using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Ota.Device;

/// <summary>Registers the OTA options.</summary>
public static class OtaServiceCollectionExtensions
{
    /// <summary>Binds <see cref="OtaOptions"/> from <c>EdgeLLM:Ota</c> and validates them when the host starts.</summary>
    public static IServiceCollection AddOtaOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OtaOptions>().Bind(configuration.GetSection(OtaOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtaOptions>, OtaOptionsValidator>());
        return services;
    }
}
