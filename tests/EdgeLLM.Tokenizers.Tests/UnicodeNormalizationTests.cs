using System.Text;
using EdgeLLM.Tokenizers.Normalizers.Unicode;

namespace EdgeLLM.Tokenizers.Tests;

/// <summary>
/// EdgeLLM's managed normalization against ICU's (the test host runs with ICU; the shipped app without it): the same
/// result for every code point and for random sequences of the characters that exercise composition, in all four forms.
/// Debian 12's ICU 72 and the tables both follow Unicode 15.0.
/// </summary>
public class UnicodeNormalizationTests
{
    private static readonly NormalizationForm[] Forms = [NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD];

    private static string? Icu(string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return null; // ICU refuses U+FFFE and lone surrogates; UnicodeNormalizerTests pins what EdgeLLM does there.
        }
    }

    [Fact]
    public void The_tables_follow_the_unicode_version_of_the_icu_they_replace()
    {
        Assert.Equal("15.0.0", UnicodeTables.Version);
    }

    [Theory]
    [InlineData(0x0000, 0x3FFFF)]
    [InlineData(0xE0000, 0xE01EF)]
    public void Every_code_point_normalizes_as_icu_normalizes_it(int first, int last)
    {
        var mismatches = new List<string>();
        for (var cp = first; cp <= last; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            var text = char.ConvertFromUtf32(cp);
            foreach (var form in Forms)
            {
                if (Icu(text, form) is { } expected && (UnicodeNormalization.Normalize(text, form) != expected
                    || (UnicodeNormalization.IsNormalized(text, form) && expected != text)))
                {
                    mismatches.Add($"U+{cp:X4} {form}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(", ", mismatches.Take(20)));
    }

    /// <summary>Starters that compose, combining marks of many classes, Hangul jamo and syllables, compatibility
    /// characters, singletons and composition exclusions.</summary>
    private static readonly int[] Pool =
    [
        'a', 'e', 'o', 'u', 'A', 'E', 'O', 'S', 'n', ' ', '1',
        0x00E9, 0x00C5, 0x00F1, 0x01B0, 0x1EA5, 0x1E9B, 0x00A8, 0x00A0, 0x0344, 0x0385, 0x03D3,
        0x0300, 0x0301, 0x0302, 0x0303, 0x0308, 0x030A, 0x031B, 0x0323, 0x0327, 0x0328, 0x0345, 0x035C, 0x0360,
        0x05B0, 0x05B7, 0x05BC, 0x0591, 0x0F71, 0x0F72, 0x0F74, 0x0F80, 0x093C, 0x0915, 0x0958, 0x09C7, 0x09BE, 0x0B47, 0x0B56,
        0x1100, 0x1112, 0x1161, 0x1175, 0x11A8, 0x11C2, 0xAC00, 0xAC01, 0xD7A3, 0x3131,
        0x212B, 0x2126, 0x212A, 0xFB01, 0xFB2C, 0x2460, 0x32FF, 0x3300, 0xFF21, 0xFF76, 0xFF9E, 0x309B, 0x3099, 0x304B, 0x30AB,
        0x1D15E, 0x1D165, 0x1D16D, 0x1D1BB, 0x2F800, 0x11099, 0x110BA, 0x1133E, 0x11347, 0x0CC6, 0x0CD5, 0x0CC2,
    ];

    [Fact]
    public void Random_combining_sequences_normalize_as_icu_normalizes_them()
    {
        var random = new Random(20261207);
        var mismatches = new List<string>();
        var builder = new StringBuilder();
        for (var n = 0; n < 30_000; n++)
        {
            builder.Clear();
            var length = random.Next(1, 9);
            for (var i = 0; i < length; i++)
            {
                builder.Append(char.ConvertFromUtf32(Pool[random.Next(Pool.Length)]));
            }
            var text = builder.ToString();
            foreach (var form in Forms)
            {
                // The quick check may say "maybe" (false) for normalized text, never "yes" for text that is not.
                if (Icu(text, form) is { } expected && (UnicodeNormalization.Normalize(text, form) != expected
                    || (UnicodeNormalization.IsNormalized(text, form) && expected != text)))
                {
                    mismatches.Add($"{string.Join(" ", text.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))} {form}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches.Take(10)));
    }

    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("\u0301e", "\u0301e")]
    [InlineData("a\u0328\u0301", "\u0105\u0301")]
    [InlineData("a\u0301\u0328", "\u0105\u0301")]
    [InlineData("\u212b", "\u00c5")]
    [InlineData("\u0958", "\u0915\u093c")]
    public void Nfc_composes_what_is_not_blocked(string text, string expected)
    {
        Assert.Equal(expected, UnicodeNormalization.Normalize(text, NormalizationForm.FormC));
    }

    [Fact]
    public void Ascii_text_comes_back_as_the_same_string()
    {
        const string text = "turn on the kitchen lights at 7pm";
        foreach (var form in Forms)
        {
            Assert.Same(text, UnicodeNormalization.Normalize(text, form));
        }
    }

    [Fact]
    public void Normalized_non_ascii_text_comes_back_as_the_same_string()
    {
        const string text = "caf\u00e9 \u00fcber";
        Assert.Same(text, UnicodeNormalization.Normalize(text, NormalizationForm.FormC));
    }

    [Fact]
    public void Normalizing_text_already_in_the_form_allocates_nothing()
    {
        const string text = "caf\u00e9 \u00fcber \u2014 \uD83D\uDE00 \uac01 \u4e2d\u6587";
        // Past the JIT's tiering first: a method moving to tier 1 allocates on the calling thread.
        for (var i = 0; i < 1000; i++)
        {
            Assert.Same(text, UnicodeNormalization.Normalize(text, NormalizationForm.FormC));
        }
        Thread.Sleep(200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            UnicodeNormalization.Normalize(text, NormalizationForm.FormC);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_quick_check_says_no_where_combining_classes_fall()
    {
        Assert.False(UnicodeNormalization.IsNormalized("a\u0301\u0327", NormalizationForm.FormD));
        Assert.True(UnicodeNormalization.IsNormalized("a\u0327\u0301", NormalizationForm.FormD));
        Assert.False(UnicodeNormalization.IsNormalized("\u00e9", NormalizationForm.FormD));
        Assert.True(UnicodeNormalization.IsNormalized("\u00e9", NormalizationForm.FormC));
        Assert.False(UnicodeNormalization.IsNormalized("\ufb01", NormalizationForm.FormKC));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnicodeNormalization.IsNormalized("a", (NormalizationForm)99));
    }

    [Fact]
    public void Lone_surrogates_and_noncharacters_are_kept_where_they_lie()
    {
        Assert.Equal("\u00e9\ud800\u00e9\uFFFE", UnicodeNormalization.Normalize("e\u0301\ud800e\u0301\uFFFE", NormalizationForm.FormC));
        Assert.Equal("\udc00e\u0301", UnicodeNormalization.Normalize("\udc00\u00e9", NormalizationForm.FormD));
    }

    [Theory]
    [InlineData(0x0041, 0)]
    [InlineData(0x0301, 230)]
    [InlineData(0x0327, 202)]
    [InlineData(0x05B0, 10)]
    [InlineData(0x0F71, 129)]
    [InlineData(0x1D165, 216)]
    [InlineData(0x10FFFF, 0)]
    public void Combining_classes_come_from_the_tables(int cp, int expected)
    {
        Assert.Equal(expected, UnicodeNormalization.CombiningClass(cp));
    }
}
