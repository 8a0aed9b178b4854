using System.Text;

namespace EdgeLLM.Tokenizers.Normalizers.Unicode;

/// <summary>
/// Unicode normalization (NFC, NFD, NFKC, NFKD; UAX #15) in managed code over the tables of
/// <see cref="UnicodeTables"/>, so the service needs no ICU: .NET normalizes through ICU, whose libraries cost a
/// device 4 MiB of resident memory and a 36 MB package, and with invariant globalization .NET leaves non-ASCII text
/// unnormalized (an NFD prompt would then tokenize differently).
/// </summary>
/// <remarks>
/// Text that is not well formed is kept as it lies where it is ill formed: a lone surrogate has no decomposition and
/// composes with nothing, so the text on either side normalizes on its own, as Hugging Face's tokenizers do it.
/// Equality with ICU (the same Unicode version) is pinned for every code point and for combining sequences by the
/// tests.
/// </remarks>
internal static class UnicodeNormalization
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>The first code point with a decomposition or a combining class: text below it is every form already.</summary>
    private const char FirstAffected = '\u00A0';

    public static string Normalize(string text, NormalizationForm form)
    {
        if (IsNormalized(text, form))
        {
            return text;
        }
        var compat = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var compose = form is NormalizationForm.FormC or NormalizationForm.FormKC;
        var points = new List<int>(text.Length + 8);
        for (var j = 0; j < text.Length; j++)
        {
            int cp = text[j];
            if (char.IsHighSurrogate(text[j]) && j + 1 < text.Length && char.IsLowSurrogate(text[j + 1]))
            {
                cp = char.ConvertToUtf32(text[j], text[j + 1]);
                j++;
            }
            Decompose(cp, compat, points);
        }
        OrderCanonically(points);
        var length = compose ? Compose(points) : points.Count;
        var result = new StringBuilder(length + 4);
        for (var k = 0; k < length; k++)
        {
            var cp = points[k];
            if (cp < 0x10000)
            {
                result.Append((char)cp); // lone surrogates included: kept as they lay
            }
            else
            {
                result.Append((char)(0xD800 + ((cp - 0x10000) >> 10))).Append((char)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
            }
        }
        var normalized = result.ToString();
        return normalized == text ? text : normalized;
    }

    /// <summary>
    /// The quick check of UAX #15: true when every code point's quick check for the form is Yes and combining classes
    /// never fall; then the text is in the form as it is (no allocation). False means "maybe not": normalize to know.
    /// </summary>
    public static bool IsNormalized(string text, NormalizationForm form)
    {
        var notYes = form switch
        {
            NormalizationForm.FormC => UnicodeTables.NfcQuickCheckNotYes,
            NormalizationForm.FormD => UnicodeTables.NfdQuickCheckNotYes,
            NormalizationForm.FormKC => UnicodeTables.NfkcQuickCheckNotYes,
            NormalizationForm.FormKD => UnicodeTables.NfkdQuickCheckNotYes,
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "not a Unicode normalization form"),
        };
        var lastClass = 0;
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (cp < FirstAffected)
            {
                lastClass = 0;
                continue;
            }
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            var ccc = CombiningClass(cp);
            if ((ccc != 0 && lastClass > ccc) || FindRange(notYes, 2, cp) >= 0)
            {
                return false;
            }
            lastClass = ccc;
        }
        return true;
    }

    public static int CombiningClass(int cp)
    {
        if (cp < 0x300)
        {
            return 0;
        }
        var ranges = UnicodeTables.CombiningClassRanges;
        return FindRange(ranges, 3, cp) is var i and >= 0 ? ranges[i + 2] : 0;
    }

    /// <summary>Where the (first, last, ...) record holding <paramref name="cp"/> starts in a table of sorted, disjoint
    /// records of <paramref name="stride"/> ints; -1 when none holds it.</summary>
    private static int FindRange(ReadOnlySpan<int> table, int stride, int cp)
    {
        int lo = 0, hi = table.Length / stride - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cp < table[mid * stride])
            {
                hi = mid - 1;
            }
            else if (cp > table[mid * stride + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return mid * stride;
            }
        }
        return -1;
    }

    /// <summary>Appends the full decomposition of <paramref name="cp"/> (canonical, or compatibility too).</summary>
    private static void Decompose(int cp, bool compat, List<int> into)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            into.Add(LBase + s / NCount);
            into.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0)
            {
                into.Add(TBase + s % TCount);
            }
            return;
        }
        var index = cp < FirstAffected ? -1 : UnicodeTables.DecompositionKeys.BinarySearch(cp);
        if (index < 0 || ((UnicodeTables.DecompositionInfo[index] & 1) != 0 && !compat))
        {
            into.Add(cp);
            return;
        }
        var info = UnicodeTables.DecompositionInfo[index];
        var mapping = UnicodeTables.DecompositionData.Slice(info >> 8, (info >> 1) & 0x7F);
        foreach (var part in mapping)
        {
            Decompose(part, compat, into);
        }
    }

    /// <summary>Sorts each run of non-starters by combining class, keeping the order of equal classes.</summary>
    private static void OrderCanonically(List<int> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            var cp = points[i];
            var ccc = CombiningClass(cp);
            if (ccc == 0)
            {
                continue;
            }
            var j = i;
            while (j > 0 && CombiningClass(points[j - 1]) > ccc)
            {
                points[j] = points[j - 1];
                j--;
            }
            points[j] = cp;
        }
    }

    /// <summary>Canonical composition in place (UAX #15): a character joins the last starter when nothing between
    /// them blocks it. Returns the composed length.</summary>
    private static int Compose(List<int> points)
    {
        if (points.Count == 0)
        {
            return 0;
        }
        var starterPos = 0;
        var starter = points[0];
        // A text that opens with a non-starter has no starter to compose with until the first one.
        var lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        var outPos = 1;
        for (var i = 1; i < points.Count; i++)
        {
            var cp = points[i];
            var ccc = CombiningClass(cp);
            if ((lastClass < ccc || lastClass == 0) && Composite(starter, cp) is var composite and >= 0)
            {
                points[starterPos] = starter = composite;
                continue;
            }
            if (ccc == 0)
            {
                starterPos = outPos;
                starter = cp;
            }
            lastClass = ccc;
            points[outPos++] = cp;
        }
        return outPos;
    }

    /// <summary>The primary composite of a pair, or -1.</summary>
    private static int Composite(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }
        var index = UnicodeTables.CompositionPairs.BinarySearch(((long)first << 21) | (uint)second);
        return index >= 0 ? UnicodeTables.CompositionResults[index] : -1;
    }
}
