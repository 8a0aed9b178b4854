using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Models;

public sealed class IntraOpSpinningTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgellm-spinning-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void File(string name, long bytes)
    {
        // Sparse: the length is what counts, no disk is written.
        using var stream = new FileStream(Path.Combine(_directory, name), FileMode.Create);
        stream.SetLength(bytes);
    }

    [Fact]
    public void Workers_spin_for_a_model_of_a_few_megabytes()
    {
        File("model.onnx", 200_000);
        File("model.onnx.data", 6L << 20);
        File("tokenizer.json", 500L << 20);

        Assert.Equal("1", IntraOpSpinning.For(_directory));
    }

    [Theory]
    [InlineData("model.onnx.data")]
    [InlineData("model.onnx_data")]
    public void Workers_sleep_between_sections_once_the_weights_exceed_64_MiB_whatever_the_external_data_is_called(string data)
    {
        File("model.onnx", 200_000);
        File(data, 300L << 20);

        Assert.Equal("0", IntraOpSpinning.For(_directory));
        Assert.Equal(200_000 + (300L << 20), IntraOpSpinning.WeightBytes(_directory));
    }
}
