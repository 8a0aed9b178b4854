using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Chat;

public class ChatCommandTests
{
    private const string Lights = "{\"device\":\"light\",\"action\":\"on\",\"zone\":\"kitchen\",\"at\":\"19:00\"}";

    [Fact]
    public async Task Piped_turns_keep_the_history_so_the_second_prompt_holds_the_first_turn_and_reply()
    {
        var (code, output, error) = await InProcess.RunAsync(["chat", "--show-prompt"], "turn on the kitchen lights at 7pm\nplease lock the front door\n");
        Assert.Equal(0, code);
        var replies = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, replies.Length);
        Assert.Equal(Lights, replies[0]);
        var second = error[error.IndexOf("--- prompt (turn 2) ---", StringComparison.Ordinal)..];
        Assert.Contains($"<|im_start|>user\nturn on the kitchen lights at 7pm<|im_end|>\n<|im_start|>assistant\n{Lights}<|im_end|>\n<|im_start|>user\nplease lock the front door<|im_end|>", second);
    }

    [Fact]
    public async Task Reset_forgets_the_history_and_exit_stops_reading()
    {
        var (code, output, error) = await InProcess.RunAsync(["chat", "--show-prompt"], "please lock the front door\n/reset\nturn on the kitchen lights at 7pm\n/exit\nnever read\n");
        Assert.Equal(0, code);
        Assert.Contains("(history cleared)", error);
        var third = error[error.IndexOf("--- prompt (turn 2) ---", StringComparison.Ordinal)..];
        Assert.DoesNotContain("front door", third);
        Assert.DoesNotContain("turn 3", error);
        // After /reset the reply is the single-turn reference again.
        Assert.Equal(Lights, output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    [Fact]
    public async Task A_system_message_starts_the_conversation()
    {
        var (code, output, error) = await InProcess.RunAsync(["chat", "--show-prompt", "--system", "You control smart-home devices and read sensors."],
            "Start the robot vacuum in the hallway tomorrow at 9am\n");
        Assert.Equal(0, code);
        Assert.Contains("<|im_start|>system\nYou control smart-home devices and read sensors.<|im_end|>", error);
        Assert.Equal("{\"device\":\"vacuum\",\"action\":\"start\",\"zone\":\"hallway\",\"at\":\"tomorrow 09:00\"}\n", output);
    }

    [Fact]
    public async Task Empty_input_ends_the_chat_at_once()
    {
        var (code, output, _) = await InProcess.RunAsync(["chat"], "");
        Assert.Equal(0, code);
        Assert.Equal("", output);
    }
}
