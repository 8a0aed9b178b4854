namespace EdgeLLM.Runtime.Tests;

/// <summary>
/// A private copy of a fixture tree under <c>Fixtures/sysfs/</c> (laid out as on the real device), so a test can
/// change counter and temperature files between reads the way the kernel would.
/// </summary>
internal sealed class FixtureTree : IDisposable
{
    public FixtureTree(string fixture)
    {
        Root = Path.Combine(Path.GetTempPath(), $"edgellm-sysfs-{fixture}-{Guid.NewGuid():N}");
        Copy(Path.Combine(Source, fixture), Root);
    }

    public static string Source => Path.Combine(TestPaths.RepoRoot, "tests", "EdgeLLM.Runtime.Tests", "Fixtures", "sysfs");

    public string Root { get; }

    public string PathOf(string absolute) => Path.Join(Root, absolute.TrimStart('/'));

    /// <summary>Writes a value as sysfs shows it: the text and a newline.</summary>
    public void Write(string absolute, object value) => File.WriteAllText(PathOf(absolute), $"{value}\n");

    public long ReadLong(string absolute) => long.Parse(File.ReadAllText(PathOf(absolute)).Trim());

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
