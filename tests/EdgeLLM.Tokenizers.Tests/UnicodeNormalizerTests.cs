using System.Text;
using EdgeLLM.Tokenizers.Normalizers;

namespace EdgeLLM.Tokenizers.Tests;

public class UnicodeNormalizerTests
{
    [Theory]
    [InlineData("e\u0301\uFFFEe\u0301", "\u00e9\uFFFE\u00e9")]
    [InlineData("\uFFFE", "\uFFFE")]
    [InlineData("a\ud800e\u0301", "a\ud800\u00e9")]
    [InlineData("\udc00\U0001F600e\u0301", "\udc00\U0001F600\u00e9")]
    public void Text_that_icu_refuses_is_normalized_around_the_refused_characters(string text, string expected)
    {
        Assert.Equal(expected, new UnicodeNormalizer(NormalizationForm.FormC).Normalize(text));
    }
}

public class PackagePathNormalizationTests
{
    [Theory]
    [InlineData("turn on \uFFFE the light")]
    [InlineData("a \ud800 b")]
    public void Both_tokenizer_paths_encode_text_icu_refuses_to_normalize_to_the_same_ids(string text)
    {
        var package = LoadedTokenizers.Get("qwen2_5", allowPackage: true);
        var own = LoadedTokenizers.Get("qwen2_5", allowPackage: false);
        Assert.True(package.UsesExternalBackend);

        Assert.Equal(own.Encode(text), package.Encode(text));
    }
}
