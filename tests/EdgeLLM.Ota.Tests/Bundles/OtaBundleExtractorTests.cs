using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Tests.Support;

namespace EdgeLLM.Ota.Tests.Bundles;

public sealed class OtaBundleExtractorTests : IDisposable
{
    private static readonly OtaBundleLimits Limits = new(1L << 30, 50, 1000);
    private readonly string _root = Directory.CreateTempSubdirectory("edgellm-ota-x-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("./a.txt", "a.txt")]
    [InlineData("dir//sub/./a.txt", "dir/sub/a.txt")]
    public void Relative_names_resolve_inside_the_destination(string name, string expected)
    {
        Assert.Equal(Path.Combine(_root, expected), OtaBundleExtractor.ResolveEntryPath(_root, name));
    }

    [Theory]
    [InlineData("../a", "contains '..'")]
    [InlineData("dir/../../a", "contains '..'")]
    [InlineData("dir/..", "contains '..'")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("dir\\..\\a", "backslash")]
    [InlineData("a\0b", "NUL")]
    public void Names_that_could_leave_the_destination_are_refused(string name, string message)
    {
        var error = Assert.Throws<UnsafeBundleException>(() => OtaBundleExtractor.ResolveEntryPath(_root, name));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task A_bundle_with_one_top_level_model_folder_yields_that_folder()
    {
        var bundle = await Bundle(new CraftedBundle().File("iot/genai_config.json", "{}").File("iot/model.onnx", "w"));

        var model = await OtaBundleExtractor.ExtractAsync(bundle, Path.Combine(_root, "x"), Limits, null, CancellationToken.None);

        Assert.Equal(Path.Combine(_root, "x", "iot"), model);
    }

    [Fact]
    public async Task A_name_that_appears_twice_is_refused()
    {
        var bundle = await Bundle(CraftedBundle.StartingLikeAModel().File("model.onnx", "first").File("./model.onnx", "second"));

        var error = await Assert.ThrowsAsync<UnsafeBundleException>(() =>
            OtaBundleExtractor.ExtractAsync(bundle, Path.Combine(_root, "x"), Limits, null, CancellationToken.None));

        Assert.Contains("appears more than once", error.Message);
    }

    [Fact]
    public async Task Extraction_reports_each_file_and_never_writes_outside_the_destination()
    {
        var bundle = await Bundle(CraftedBundle.StartingLikeAModel().File("a/b.txt", "b").File("../outside.txt", "x"));
        var reported = new List<string>();

        await Assert.ThrowsAsync<UnsafeBundleException>(() => OtaBundleExtractor.ExtractAsync(bundle, Path.Combine(_root, "x"), Limits,
            (name, _) => { reported.Add(name); return ValueTask.CompletedTask; }, CancellationToken.None));

        Assert.Equal(["genai_config.json", Path.Combine("a", "b.txt")], reported);
        Assert.False(File.Exists(Path.Combine(_root, "outside.txt")));
    }

    [Fact]
    public async Task The_destination_must_not_exist()
    {
        var bundle = await Bundle(CraftedBundle.StartingLikeAModel());
        Directory.CreateDirectory(Path.Combine(_root, "x"));

        await Assert.ThrowsAsync<IOException>(() => OtaBundleExtractor.ExtractAsync(bundle, Path.Combine(_root, "x"), Limits, null, CancellationToken.None));
    }

    private async Task<string> Bundle(CraftedBundle crafted)
    {
        var path = Path.Combine(_root, "b.tar.gz");
        await File.WriteAllBytesAsync(path, await crafted.BuildAsync());
        return path;
    }
}
