using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Runtime.Tests.Memory;

public class ProcFileTests
{
    [Fact]
    public void A_kilobytes_field_reads_as_bytes_and_a_missing_field_or_file_as_nothing()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "Name:\tedgellm\nVmHWM:\t   81240 kB\nVmRSS:\t   70212 kB\nThreads:\t9\n");
            Assert.Equal(70212L * 1024, ProcFile.KilobytesField(path, "VmRSS:"));
            Assert.Equal(81240L * 1024, ProcFile.KilobytesField(path, "VmHWM:"));
            Assert.Equal(9L * 1024, ProcFile.KilobytesField(path, "Threads:"));
            Assert.Null(ProcFile.KilobytesField(path, "AnonHugePages:"));
            Assert.Null(ProcFile.KilobytesField(path + ".missing", "VmRSS:"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
