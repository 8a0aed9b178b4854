using EdgeLLM.Ota.Device;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Ota.Tests.Device;

public sealed class OtaOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid_and_match_the_contract()
    {
        var options = new OtaOptions();

        Assert.True(new OtaOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("/etc/edgellm/trusted-keys/", options.TrustedKeysDir);
    }

    [Fact]
    public void Options_bind_from_edgellm_ota_and_bad_values_fail_at_start_up_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EdgeLLM:Ota:TrustedKeysDir"] = "/srv/keys",
            ["EdgeLLM:Ota:ConfirmSeconds"] = "0",
            ["EdgeLLM:Ota:Group"] = "a/b",
            ["EdgeLLM:Ota:KeepVersions"] = "1",
            ["EdgeLLM:Ota:MaxCompressionRatio"] = "0.5",
        }).Build();
        using var provider = new ServiceCollection().AddOtaOptions(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OtaOptions>>().Value);

        Assert.Contains("EdgeLLM:Ota:ConfirmSeconds must be 1 to 86400, not 0", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("EdgeLLM:Ota:Group must be", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("EdgeLLM:Ota:KeepVersions must be at least 2", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("EdgeLLM:Ota:MaxCompressionRatio", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void Valid_configuration_binds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EdgeLLM:Ota:TrustedKeysDir"] = "/srv/keys",
            ["EdgeLLM:Ota:Group"] = "kitchens",
            ["EdgeLLM:Ota:ConfirmSeconds"] = "90",
        }).Build();
        using var provider = new ServiceCollection().AddOtaOptions(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OtaOptions>>().Value;

        Assert.Equal(("/srv/keys", "kitchens", 90), (options.TrustedKeysDir, options.Group, options.ConfirmSeconds));
    }
}
