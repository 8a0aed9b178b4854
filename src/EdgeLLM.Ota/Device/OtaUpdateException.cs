namespace EdgeLLM.Ota.Device;

/// <summary>An update failed; <see cref="Code"/> says why in a machine-readable way.</summary>
public sealed class OtaUpdateException : Exception
{
    public OtaUpdateException(OtaErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The reason class.</summary>
    public OtaErrorCode Code { get; }

    /// <summary>The code as written in status messages (<c>sha256_mismatch</c>).</summary>
    public static string WireName(OtaErrorCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsDigit(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary><c>code: message</c>, the status's <c>error</c>.</summary>
    public string ToStatusError() => $"{WireName(Code)}: {Message}";
}
