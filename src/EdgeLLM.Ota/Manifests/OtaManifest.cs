using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// A parsed and validated OTA manifest (contract section 4): which model version to install, where its
/// bundle is, its size and SHA-256, the minimum runtime, the rollout, and the signature over the rest.
/// </summary>
/// <remarks>
/// <see cref="Parse"/> checks every field and throws <see cref="OtaManifestException"/> naming the first bad
/// one. It does not check the signature: see <see cref="OtaSignatureVerifier"/>. Unknown fields are
/// allowed (newer tooling may add some) and are covered by the signature like every other field.
/// </remarks>
public sealed partial class OtaManifest
{
    /// <summary>The name of the field holding the signature, left out of <see cref="CanonicalBytes"/>.</summary>
    public const string SignatureField = "signature";

    private OtaManifest()
    {
    }

    /// <summary>Model id (<c>[A-Za-z0-9][A-Za-z0-9._-]*</c>, at most 128 characters); also a directory name on the device.</summary>
    public string Model { get; private init; } = "";

    /// <summary>Model version (<c>[A-Za-z0-9][A-Za-z0-9._+-]*</c>, at most 64 characters), ordered by <see cref="OtaVersion"/>.</summary>
    public string Version { get; private init; } = "";

    /// <summary>The bundle's absolute http(s) address, or null when <see cref="UrlText"/> is not one yet (an unpublished, packed manifest).</summary>
    public Uri? Url { get; private init; }

    /// <summary>The <c>url</c> field as written.</summary>
    public string UrlText { get; private init; } = "";

    /// <summary>SHA-256 of the bundle, 64 lower-case hex digits.</summary>
    public string Sha256 { get; private init; } = "";

    /// <summary>Size of the bundle in bytes.</summary>
    public long Size { get; private init; }

    /// <summary>The oldest EdgeLLM runtime that may install this model, or null for any.</summary>
    public string? MinRuntime { get; private init; }

    /// <summary>The rollout; <see cref="OtaRollout.Everyone"/> when the manifest has none.</summary>
    public OtaRollout Rollout { get; private init; } = OtaRollout.Everyone;

    /// <summary>True when the manifest may replace a newer active version of the same model.</summary>
    public bool AllowDowngrade { get; private init; }

    /// <summary>
    /// The model directory's files with size, SHA-256 and own URL (<c>files</c>), or null when the manifest has none: a
    /// device then downloads only the files it does not hold already, instead of the whole bundle.
    /// </summary>
    public IReadOnlyList<OtaManifestFile>? Files { get; private init; }

    /// <summary>
    /// True for an abort notice (<c>"abort": true</c>, an extension documented in docs/OTA.md): the rollout of this model
    /// version is stopped. Devices that switched to it roll back, devices updating to it stop, others do nothing. An abort
    /// is signed like any manifest and carries <c>rollout.percent</c> 0, so a device that does not know the field refuses
    /// it as <c>not_in_rollout</c> and never installs it.
    /// </summary>
    public bool Abort { get; private init; }

    /// <summary>The base64 signature, or null for an unsigned manifest.</summary>
    public string? Signature { get; private init; }

    /// <summary>The canonical JSON (see <see cref="CanonicalJson"/>) without the signature: the bytes the signature covers.</summary>
    public byte[] CanonicalBytes { get; private init; } = [];

    /// <summary>Parses and validates a manifest.</summary>
    /// <param name="utf8Json">The manifest as UTF-8 JSON.</param>
    /// <param name="requirePublishableUrl">When true (devices, signing), <c>url</c> must be an absolute http or https address.</param>
    /// <exception cref="OtaManifestException">The first invalid field.</exception>
    public static OtaManifest Parse(ReadOnlySpan<byte> utf8Json, bool requirePublishableUrl = true)
    {
        using var document = CanonicalJson.ParseStrict(utf8Json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OtaManifestException("$", "must be a JSON object");
        }

        var canonical = CanonicalJson.Serialize(root, SignatureField);
        var model = RequiredString(root, "model");
        if (!ModelIdPattern().IsMatch(model))
        {
            throw new OtaManifestException("model", $"'{model}' is not a model id (letters, digits, '.', '_', '-', starting with a letter or digit, at most 128)");
        }

        var version = RequiredString(root, "version");
        if (!VersionPattern().IsMatch(version))
        {
            throw new OtaManifestException("version", $"'{version}' is not a version (letters, digits, '.', '_', '+', '-', starting with a letter or digit, at most 64)");
        }

        var urlText = RequiredString(root, "url");
        var url = Uri.TryCreate(urlText, UriKind.Absolute, out var parsed)
                  && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
            ? parsed
            : null;
        if (url is null && requirePublishableUrl)
        {
            throw new OtaManifestException("url", $"'{urlText}' is not an absolute http or https address");
        }

        var sha256 = RequiredString(root, "sha256");
        if (!Sha256Pattern().IsMatch(sha256))
        {
            throw new OtaManifestException("sha256", "must be 64 hexadecimal digits");
        }

        var size = RequiredPositiveInteger(root, "size");
        string? minRuntime = null;
        if (root.TryGetProperty("min_runtime", out var minRuntimeElement) && minRuntimeElement.ValueKind != JsonValueKind.Null)
        {
            minRuntime = AsString(minRuntimeElement, "min_runtime");
            if (!VersionPattern().IsMatch(minRuntime))
            {
                throw new OtaManifestException("min_runtime", $"'{minRuntime}' is not a version");
            }
        }

        var rollout = ParseRollout(root);
        var allowDowngrade = false;
        if (root.TryGetProperty("allow_downgrade", out var downgrade) && downgrade.ValueKind != JsonValueKind.Null)
        {
            allowDowngrade = downgrade.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new OtaManifestException("allow_downgrade", "must be true or false"),
            };
        }

        var files = ParseFiles(root, requirePublishableUrl);
        var abort = false;
        if (root.TryGetProperty("abort", out var abortElement) && abortElement.ValueKind != JsonValueKind.Null)
        {
            abort = abortElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new OtaManifestException("abort", "must be true or false"),
            };
        }

        if (abort && rollout.Percent != 0)
        {
            throw new OtaManifestException("rollout.percent", "must be 0 in an abort notice (so that devices that do not know \"abort\" never install it)");
        }

        string? signature = null;
        if (root.TryGetProperty(SignatureField, out var signatureElement) && signatureElement.ValueKind != JsonValueKind.Null)
        {
            signature = AsString(signatureElement, SignatureField);
            Span<byte> scratch = stackalloc byte[256];
            if (signature.Length == 0 || !Convert.TryFromBase64String(signature, scratch, out _))
            {
                throw new OtaManifestException(SignatureField, "must be base64 of at most 256 bytes");
            }
        }

        return new OtaManifest
        {
            Model = model,
            Version = version,
            Url = url,
            UrlText = urlText,
            Sha256 = sha256.ToLowerInvariant(),
            Size = size,
            MinRuntime = minRuntime,
            Rollout = rollout,
            AllowDowngrade = allowDowngrade,
            Abort = abort,
            Files = files,
            Signature = signature,
            CanonicalBytes = canonical,
        };
    }

    /// <summary>True when <paramref name="model"/> can be a manifest's <c>model</c>.</summary>
    public static bool IsValidModelId(string model) => ModelIdPattern().IsMatch(model);

    /// <summary>True when <paramref name="version"/> can be a manifest's <c>version</c> or <c>min_runtime</c>.</summary>
    public static bool IsValidVersion(string version) => VersionPattern().IsMatch(version);

    /// <summary>A short description for logs and errors: <c>model@version</c>.</summary>
    public override string ToString() => $"{Model}@{Version}";

    /// <summary>True when both manifests install the same bytes as the same model version.</summary>
    public bool IsSameUpdateAs(OtaManifest other) =>
        Model == other.Model && Version == other.Version && Sha256 == other.Sha256 && Size == other.Size;

    private static OtaRollout ParseRollout(JsonElement root)
    {
        if (!root.TryGetProperty("rollout", out var rollout) || rollout.ValueKind == JsonValueKind.Null)
        {
            return OtaRollout.Everyone;
        }

        if (rollout.ValueKind != JsonValueKind.Object)
        {
            throw new OtaManifestException("rollout", "must be an object {\"percent\", \"seed\"}");
        }

        if (!rollout.TryGetProperty("percent", out var percentElement) || percentElement.ValueKind != JsonValueKind.Number
            || !percentElement.TryGetInt32(out var percent) || percent is < 0 or > 100)
        {
            throw new OtaManifestException("rollout.percent", "must be an integer from 0 to 100");
        }

        var seed = "";
        if (rollout.TryGetProperty("seed", out var seedElement) && seedElement.ValueKind != JsonValueKind.Null)
        {
            seed = AsString(seedElement, "rollout.seed");
            if (seed.Length > 256)
            {
                throw new OtaManifestException("rollout.seed", "must be at most 256 characters");
            }
        }

        return new OtaRollout(percent, seed);
    }

    /// <summary>The most files a manifest may list (as <c>Ota:MaxEntries</c>'s default for a bundle).</summary>
    public const int MaxFiles = 10_000;

    private static List<OtaManifestFile>? ParseFiles(JsonElement root, bool requirePublishableUrl)
    {
        if (!root.TryGetProperty("files", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxFiles)
        {
            throw new OtaManifestException("files", $"must be an array of 1 to {MaxFiles} objects {{\"path\", \"size\", \"sha256\", \"url\"}}");
        }

        var files = new List<OtaManifestFile>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var file in list.EnumerateArray())
        {
            var name = $"files[{index++}]";
            if (file.ValueKind != JsonValueKind.Object)
            {
                throw new OtaManifestException(name, "must be an object");
            }

            var path = RequiredString(file, "path");
            var segments = path.Split('/');
            if (path.Length > 1024 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal)
                || segments.Any(s => s is "" or "." or ".."))
            {
                throw new OtaManifestException($"{name}.path", $"'{path}' must be a relative path inside the model directory ('/'-separated, no '.' or '..')");
            }

            if (!paths.Add(path))
            {
                throw new OtaManifestException($"{name}.path", $"'{path}' is listed twice");
            }

            if (!file.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
            {
                throw new OtaManifestException($"{name}.size", "must be an integer, 0 or more");
            }

            var sha256 = RequiredString(file, "sha256");
            if (!Sha256Pattern().IsMatch(sha256))
            {
                throw new OtaManifestException($"{name}.sha256", "must be 64 hexadecimal digits");
            }

            var urlText = RequiredString(file, "url");
            var url = Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps) ? parsed : null;
            if (url is null && requirePublishableUrl)
            {
                throw new OtaManifestException($"{name}.url", $"'{urlText}' is not an absolute http or https address");
            }

            files.Add(new OtaManifestFile(path, size, sha256.ToLowerInvariant(), url));
        }

        if (!paths.Contains("genai_config.json"))
        {
            throw new OtaManifestException("files", "must list genai_config.json (the files are a whole model directory)");
        }

        return files;
    }

    private static string RequiredString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new OtaManifestException(name, "is required");
        }

        var value = AsString(element, name);
        if (value.Length == 0)
        {
            throw new OtaManifestException(name, "must not be empty");
        }

        return value;
    }

    private static string AsString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new OtaManifestException(name, $"must be a string, not {element.ValueKind}");

    private static long RequiredPositiveInteger(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new OtaManifestException(name, "is required");
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || value <= 0)
        {
            throw new OtaManifestException(name, "must be a positive integer");
        }

        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ModelIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
