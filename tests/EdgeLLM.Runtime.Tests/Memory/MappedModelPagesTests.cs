using System.IO.MemoryMappedFiles;
using EdgeLLM.Runtime.Memory;

namespace EdgeLLM.Runtime.Tests.Memory;

public class MappedModelPagesTests
{
    private const string Folder = "/models/qwen/";

    private static string[] Smaps(params (string Header, long RssKb, long AnonymousKb)[] mappings) => mappings.SelectMany(m => new[]
    {
        m.Header, "Size:               2048 kB", $"Rss:                {m.RssKb} kB", "Pss:                  12 kB", $"Anonymous:          {m.AnonymousKb} kB", "VmFlags: rd mr mw me",
    }).ToArray();

    [Fact]
    public void Clean_resident_mappings_of_the_models_files_are_chosen()
    {
        var regions = MappedModelPages.CleanFileRegions(Smaps(
            ("7f0000000000-7f0000200000 rw-p 00100000 fe:00 42   /models/qwen/model.onnx_data", 2048, 0),
            ("7f0000200000-7f0000300000 r--s 00000000 fe:00 42   /models/qwen/model.onnx_data", 4, 0)), Folder).ToList();

        Assert.Equal([(0x7f0000000000L, 0x7f0000200000L, 2048L * 1024), (0x7f0000200000L, 0x7f0000300000L, 4L * 1024)], regions);
    }

    [Fact]
    public void A_mapping_with_a_written_page_is_kept_whole()
    {
        Assert.Empty(MappedModelPages.CleanFileRegions(Smaps(("7f0000000000-7f0000200000 rw-p 00000000 fe:00 42 /models/qwen/model.onnx_data", 2048, 4)), Folder));
    }

    [Fact]
    public void Mappings_without_resident_pages_are_not_advised()
    {
        Assert.Empty(MappedModelPages.CleanFileRegions(Smaps(("7f0000000000-7f0000200000 rw-p 00000000 fe:00 42 /models/qwen/model.onnx_data", 0, 0)), Folder));
    }

    [Theory]
    [InlineData("7f0000000000-7f0000200000 r-xp 00000000 fe:00 42 /models/qwen/libcustom_ops.so")]
    [InlineData("7f0000000000-7f0000200000 rw-p 00000000 fe:00 42 /models/qwen-pro/model.onnx_data")]
    [InlineData("7f0000000000-7f0000200000 rw-p 00000000 fe:00 42 /usr/lib/libonnxruntime.so")]
    [InlineData("7f0000000000-7f0000200000 rw-p 00000000 00:00 0 ")]
    [InlineData("7f0000000000-7f0000200000 rw-p 00000000 00:00 0 [heap]")]
    public void Code_other_folders_and_anonymous_memory_are_never_chosen(string header)
    {
        Assert.Empty(MappedModelPages.CleanFileRegions(Smaps((header, 2048, 0)), Folder));
    }

    [Fact]
    public void A_mapping_after_a_dirty_one_is_judged_by_its_own_fields()
    {
        var regions = MappedModelPages.CleanFileRegions(Smaps(
            ("7f0000000000-7f0000200000 rw-p 00000000 fe:00 42 /models/qwen/model.onnx_data", 2048, 8),
            ("7f0000400000-7f0000600000 rw-p 00200000 fe:00 42 /models/qwen/model.onnx_data", 2048, 0)), Folder).ToList();

        Assert.Equal([(0x7f0000400000L, 0x7f0000600000L, 2048L * 1024)], regions);
    }

    [Fact]
    public void A_file_read_through_a_mapping_leaves_the_resident_set_and_reads_the_same_afterwards()
    {
        var dir = Directory.CreateTempSubdirectory("edgellm-pages-");
        try
        {
            var path = Path.Combine(dir.FullName, "weights.bin");
            var content = new byte[8 << 20];
            Random.Shared.NextBytes(content);
            File.WriteAllBytes(path, content);
            using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = file.CreateViewAccessor(0, content.Length, MemoryMappedFileAccess.Read);
            long sum = 0;
            for (var i = 0; i < content.Length; i += 4096)
            {
                sum += view.ReadByte(i);
            }

            var released = MappedModelPages.Release(dir.FullName);

            Assert.Equal(1, released.Mappings);
            Assert.True(released.MappedBytes >= content.Length, released.ToString());
            // The 8 MiB just read were resident (the mapping's own pages are counted, whatever other tests map meanwhile).
            Assert.Equal(content.Length, released.ReleasedBytes);
            Assert.Empty(MappedModelPages.CleanFileRegions(File.ReadLines("/proc/self/smaps"), dir.FullName + "/"));
            var copy = new byte[content.Length];
            view.ReadArray(0, copy, 0, copy.Length);
            Assert.Equal(content, copy);
            Assert.Equal(sum, Enumerable.Range(0, content.Length / 4096).Sum(p => (long)content[p * 4096]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_folder_with_nothing_mapped_reports_so()
    {
        var released = MappedModelPages.Release(Path.GetTempPath() + "edgellm-nothing-mapped-" + Guid.NewGuid());
        Assert.Equal(0, released.Mappings);
        Assert.Equal("no model file mapped", released.ToString());
    }
}
