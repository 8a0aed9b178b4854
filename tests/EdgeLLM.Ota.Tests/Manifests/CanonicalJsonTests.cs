using System.Text;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Tests.Manifests;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Keys_are_sorted_ordinally_at_every_level_without_whitespace_and_the_signature_is_left_out()
    {
        var json = """
            { "version": "1",  "rollout": {"seed": "s", "percent": 5},
              "Model": "upper-case sorts first", "signature": "AAAA", "list": [ {"b": 1, "a": 2}, true, null ] }
            """u8;

        var canonical = Encoding.UTF8.GetString(CanonicalJson.Serialize(json, "signature"));

        Assert.Equal("""{"Model":"upper-case sorts first","list":[{"a":2,"b":1},true,null],"rollout":{"percent":5,"seed":"s"},"version":"1"}""", canonical);
    }

    [Fact]
    public void Only_the_top_level_signature_is_excluded()
    {
        var canonical = Encoding.UTF8.GetString(CanonicalJson.Serialize("""{"x":{"signature":"kept"},"signature":"dropped"}"""u8, "signature"));

        Assert.Equal("""{"x":{"signature":"kept"}}""", canonical);
    }

    [Fact]
    public void Strings_are_escaped_minimally_and_non_ascii_stays_literal_utf8()
    {
        // Escapes in the source that mean plain characters come out literal; only quote, backslash and controls are escaped.
        var canonical = Encoding.UTF8.GetString(CanonicalJson.Serialize("""{"s":"Gr\u00fc\u00dfe \"q\" \\ \/ \n\t\u0001 + < € 😀"}"""u8));

        Assert.Equal("{\"s\":\"Grüße \\\"q\\\" \\\\ / \\n\\t\\u0001 + < € 😀\"}", canonical);
    }

    [Fact]
    public void Numbers_are_kept_as_written()
    {
        var canonical = Encoding.UTF8.GetString(CanonicalJson.Serialize("""{"size": 5242880, "ratio": 1.5e3, "neg": -0}"""u8));

        Assert.Equal("""{"neg":-0,"ratio":1.5e3,"size":5242880}""", canonical);
    }

    [Fact]
    public void Key_order_and_whitespace_of_the_source_do_not_change_the_result()
    {
        var a = CanonicalJson.Serialize("""{"a":1,"b":{"c":[1,2],"d":"x"}}"""u8);
        var b = CanonicalJson.Serialize("""
            {
              "b": { "d": "x", "c": [ 1, 2 ] },
              "a": 1
            }
            """u8);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        var error = Assert.Throws<OtaManifestException>(() => CanonicalJson.Serialize("""{"url":"a","url":"b"}"""u8));

        Assert.Equal("url", error.Field);
    }

    [Fact]
    public void Nested_duplicate_keys_are_refused_with_their_path()
    {
        var error = Assert.Throws<OtaManifestException>(() => CanonicalJson.Serialize("""{"rollout":{"percent":1,"percent":100}}"""u8));

        Assert.Equal("rollout.percent", error.Field);
    }

    [Fact]
    public void Matches_python_json_dumps_sort_keys_compact_without_ascii_escaping()
    {
        // Produced with: python3 -c 'import json;print(json.dumps({"model":"iot-assist","version":"2026.11.1","size":5242880,"rollout":{"percent":25,"seed":"wave-3"},"note":"é\n"},sort_keys=True,separators=(",",":"),ensure_ascii=False))'
        const string python = "{\"model\":\"iot-assist\",\"note\":\"é\\n\",\"rollout\":{\"percent\":25,\"seed\":\"wave-3\"},\"size\":5242880,\"version\":\"2026.11.1\"}";

        var canonical = CanonicalJson.Serialize("""{"version":"2026.11.1","note":"é\n","size":5242880,"rollout":{"seed":"wave-3","percent":25},"model":"iot-assist"}"""u8);

        Assert.Equal(python, Encoding.UTF8.GetString(canonical));
    }
}
