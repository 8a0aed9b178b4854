using System.Globalization;
using EdgeLLM.Mqtt.Client;
using EdgeLLM.Soak;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}
var journal = options.StateDir is null ? null : Path.Combine(options.StateDir, EdgeLLM.Service.Mqtt.DedupStore.FileName);
await using var restarter = options.Serve is null ? null : new ServiceRestarter(options.Serve, options.Log);
int Pid() => restarter?.Pid ?? options.Pid;
var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
await using var mqtt = new MqttConnection(new MqttConnectionOptions { Host = options.MqttHost, Port = options.MqttPort, ClientId = $"edgellm-soak-{Environment.ProcessId}" });
await mqtt.ConnectAsync();
await mqtt.SubscribeAsync("soak/#");
await mqtt.SubscribeAsync($"{options.Root}/{options.Device}/status");
using var run = new SoakRun(options, mqtt, new HttpClient { BaseAddress = options.Rest, Timeout = TimeSpan.FromSeconds(120) });
var pump = Task.Run(async () =>
{
    await foreach (var message in mqtt.Messages.ReadAllAsync())
    {
        if (message.Topic.EndsWith("/status", StringComparison.Ordinal) && message.PayloadAsString().Contains("\"online\"", StringComparison.Ordinal))
        {
            online.TrySetResult();
        }
        run.OnMessage(message);
    }
});

void Line(string what) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{DateTimeOffset.UtcNow:HH:mm:ss} {what}: sent {run.Sent} ({run.HostileSent} hostile), finals {run.Finals}, duplicates {run.Duplicates}, REST failures {run.RestFailures}; {(restarter is null ? "" : $"restarts {restarter.Restarts}; ")}{ProcessSample.Take(Pid(), journal, options.Log)}"));

if (restarter is not null)
{
    // The first start has no session at the broker yet: requests sent before it subscribes would have nowhere to wait.
    restarter.Start();
    await online.Task.WaitAsync(TimeSpan.FromMinutes(5));
}
Console.WriteLine($"soak: {options.Rate} req/s for {options.Duration} against pid {Pid()} ({options.Rest}, mqtt {options.MqttHost}:{options.MqttPort}, device {options.Device}), {options.Hostile:P1} hostile");
Line("before");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var load = run.DriveAsync(options.Duration, stop.Token);
using var cycling = new CancellationTokenSource();
var restarts = restarter is not null && options.RestartEvery is { } every ? restarter.CycleAsync(every, cycling.Token) : Task.CompletedTask;
await Task.Delay(options.Warmup, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
var start = ProcessSample.Take(Pid(), journal, options.Log);
Line("start (after warm-up)");
using (var minutes = new PeriodicTimer(TimeSpan.FromMinutes(1)))
{
    while (!load.IsCompleted && await minutes.WaitForNextTickAsync(CancellationToken.None))
    {
        if (!load.IsCompleted)
        {
            Line("running");
        }
    }
}
await load.ContinueWith(_ => { }, TaskScheduler.Default);
await cycling.CancelAsync();
await restarts;
await run.DrainAsync(TimeSpan.FromSeconds(120));
var end = ProcessSample.Take(Pid(), journal, options.Log);
Line("end of load");
await Task.Delay(options.Settle);
var settled = ProcessSample.Take(Pid(), journal, options.Log);
Line("settled");
Console.WriteLine($"start:   {start}");
Console.WriteLine($"end:     {end}");
Console.WriteLine($"settled: {settled}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"requests sent {run.Sent}, finals received {run.Finals}, duplicates {run.Duplicates}, REST failures {run.RestFailures}; RSS settled/start {(double)settled.RssBytes / start.RssBytes:P1}"));
await mqtt.DisposeAsync();
await pump;
return run.Sent == run.Finals && run.Duplicates == 0 && run.RestFailures == 0 ? 0 : 1;
