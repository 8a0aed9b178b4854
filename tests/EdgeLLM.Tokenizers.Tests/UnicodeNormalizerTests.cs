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
