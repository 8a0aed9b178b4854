using EdgeLLM.Ota;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Service.Ota;

/// <summary>
/// The real test of a staged model: loads it beside the serving one under the same serving plan (so the memory
/// budget is checked with the same arithmetic as at start-up) with a single slot, and runs its smoke suite
/// through a real engine. A bundle without <c>smoke.json</c> is refused: an untested model never serves.
/// </summary>
public sealed class EngineModelValidator(ModelLoader loader) : IOtaModelValidator
{
    public async Task<OtaValidationResult> ValidateAsync(OtaValidationRequest request, CancellationToken cancellationToken)
    {
        var directory = request.Candidate.Directory;
        SmokeSuite? suite;
        try
        {
            suite = SmokeSuite.Load(directory);
        }
        catch (ModelLoadException e)
        {
            return OtaValidationResult.Fail(e.Message);
        }
        if (suite is null || suite.Cases.Count == 0)
        {
            return OtaValidationResult.Fail($"the bundle has no {SmokeSuite.FileName} with cases; a model is only switched to after its smoke test passes");
        }
        try
        {
            // A draft outside the version's directory would not be switched with it (and "../iot-assist" names nothing in
            // the versions store): the model would serve without drafting. The pair is tested and switched together or not at all.
            if (EdgeLLM.Runtime.Speculative.DraftPairing.DraftDirectory(directory) is { } draft
                && !draft.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return OtaValidationResult.Fail($"the model names its draft outside the bundle ({draft}); pack the draft with it (edgellm ota pack --with-draft)");
            }
        }
        catch (ModelLoadException e)
        {
            return OtaValidationResult.Fail($"the model's draft: {e.Message}; pack the draft with it (edgellm ota pack --with-draft)");
        }

        var single = loader.With(loader.Plan with { MaxBatchSize = 1, PrefixCacheBytes = 0, Admission = null, EnergyMeter = null });
        LoadedModel candidate;
        try
        {
            candidate = await Task.Run(() => single.Load(directory), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelLoadException e) when (e.InnerException is MemoryBudgetException budget)
        {
            return OtaValidationResult.OverMemoryBudget(budget.RequiredBytes, budget.BudgetBytes);
        }
        catch (ModelLoadException e)
        {
            return OtaValidationResult.Fail($"the model does not load: {e.Message}");
        }
        await using (candidate.ConfigureAwait(false))
        {
            var problem = await suite.RunAsync(candidate.Engine, cancellationToken).ConfigureAwait(false);
            // The footprint measured while loading it, as the serving model's is: the same arithmetic as at start-up.
            return problem is null
                ? OtaValidationResult.Pass($"memory budget ({candidate.Footprint.Describe()}) and {suite.Cases.Count} smoke cases passed",
                    candidate.Footprint.RequiredBytes, loader.Plan.MemoryBudgetBytes)
                : OtaValidationResult.Fail(problem);
        }
    }
}
