using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Models;

public class GenAiConfigTests
{
    private const string Valid = """
        {"model": {"type": "qwen2", "bos_token_id": 151643, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
                   "context_length": 32768, "vocab_size": 151936,
                   "decoder": {"filename": "model.onnx", "head_size": 64, "hidden_size": 896,
                               "num_attention_heads": 14, "num_key_value_heads": 2, "num_hidden_layers": 24,
                               "session_options": {"log_id": "onnxruntime-genai", "provider_options": [{"cuda": {"enable_cuda_graph": "0"}}]},
                               "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                                          "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"},
                               "outputs": {"logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value"}}},
         "search": {"do_sample": false, "max_length": 32768, "num_beams": 1, "past_present_share_buffer": true,
                    "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 50, "top_p": 1.0}}
        """;

    [Fact]
    public void The_builder_layout_reads_every_field()
    {
        var c = GenAiConfig.Parse(Valid);
        Assert.Equal("qwen2", c.Model.Type);
        Assert.Equal([151645, 151643], c.Model.EosTokenIds);
        Assert.Equal(14, c.Model.Decoder.NumAttentionHeads);
        Assert.Equal("past_key_values.3.key", c.Model.Decoder.Inputs.PastKey(3));
        Assert.Equal("present.23.value", c.Model.Decoder.Outputs.PresentValue(23));
        Assert.Null(c.Model.Decoder.Inputs.PositionIds);
        Assert.True(c.Search.PastPresentShareBuffer);
        Assert.Equal(50, c.Search.TopK);
        var cuda = Assert.Single(c.Model.Decoder.SessionOptions.Providers);
        Assert.Equal("cuda", cuda.Name);
        Assert.Equal("0", cuda.Options["enable_cuda_graph"]);
    }

    [Fact]
    public void The_default_model_config_loads()
    {
        var c = GenAiConfig.Load(Path.Combine(TestPaths.DefaultModel, "genai_config.json"));
        Assert.Equal("llama", c.Model.Type);
        Assert.Equal(4, c.Model.Decoder.NumHiddenLayers);
        Assert.Equal(512, c.Model.ContextLength);
    }

    [Fact]
    public void A_single_eos_number_is_a_list_of_one()
    {
        var c = GenAiConfig.Parse(Valid.Replace("[151645, 151643]", "151645"));
        Assert.Equal([151645], c.Model.EosTokenIds);
    }

    [Theory]
    [InlineData("\"head_size\": 64,", "", "model.decoder.head_size is missing")]
    [InlineData("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", "must be a multiple of num_key_value_heads")]
    [InlineData("\"past_key_values.%d.key\"", "\"past_key_values.key\"", "model.decoder.inputs.past_key_names must contain %d")]
    [InlineData("\"vocab_size\": 151936", "\"vocab_size\": \"big\"", "model.vocab_size must be an integer")]
    [InlineData("[151645, 151643]", "[151645, 999999]", "model.eos_token_id contains 999999")]
    [InlineData("\"filename\": \"model.onnx\"", "\"filename\": \"../model.onnx\"", "model.decoder.filename must name a file inside")]
    [InlineData("\"num_beams\": 1", "\"num_beams\": 4", "search.num_beams is 4")]
    [InlineData("\"input_ids\": \"input_ids\",", "\"input_ids\": \"input_ids\", \"cache_indirection\": \"ci\",", "model.decoder.inputs.cache_indirection is not supported")]
    [InlineData("\"max_length\": 32768", "\"max_length\": 40000", "search.max_length (40000) must be between 1 and model.context_length")]
    public void A_wrong_field_is_named_in_the_error(string find, string replace, string expected)
    {
        var e = Assert.Throws<ModelLoadException>(() => GenAiConfig.Parse(Valid.Replace(find, replace), "x/genai_config.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("x/genai_config.json: ", e.Message);
    }

    [Fact]
    public void Text_that_is_not_json_says_so()
    {
        var e = Assert.Throws<ModelLoadException>(() => GenAiConfig.Parse("{ nope", "g.json"));
        Assert.Contains("not valid JSON", e.Message);
    }
}
