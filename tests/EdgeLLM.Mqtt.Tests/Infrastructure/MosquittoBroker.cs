using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLLM.Mqtt.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto broker for one test: its own directory (config, password file, persistence, log), a free loopback
/// port (and a TLS port when asked), killed on dispose. It can be stopped and started again on the same ports with
/// the same persistence directory, to test what clients do when their broker restarts.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private const string PasswdTool = "/usr/bin/mosquitto_passwd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly MosquittoBrokerOptions _options;
    private Process? _process;

    private MosquittoBroker(MosquittoBrokerOptions options, string directory)
    {
        _options = options;
        Directory = directory;
        Port = FreePort.Next();
        TlsPort = options.Tls is null ? null : FreePort.Next();
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public int? TlsPort { get; }

    /// <summary>The broker's own directory (config, persistence, log); removed on dispose.</summary>
    public string Directory { get; }

    public string ConfigFile => Path.Combine(Directory, "mosquitto.conf");

    public string LogFile => Path.Combine(Directory, "mosquitto.log");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Writes the configuration and starts the broker; returns once its port accepts connections.</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install the broker with 'apt-get install -y mosquitto'.");
        }
        string directory = System.IO.Directory.CreateTempSubdirectory("edgellm-mosquitto-").FullName;
        var broker = new MosquittoBroker(options ?? new MosquittoBrokerOptions(), directory);
        try
        {
            await broker.WriteConfigurationAsync();
            await broker.StartAgainAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the (stopped) broker again with the same configuration, ports and persistence.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The broker is already running.");
        }
        var start = new ProcessStartInfo(Executable, ["-c", ConfigFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode} at start-up. Log:\n{ReadLog()}");
            }
            if (await FreePort.AcceptsAsync(Port) && (TlsPort is not int tls || await FreePort.AcceptsAsync(tls)))
            {
                return;
            }
            if (clock.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"mosquitto did not accept connections on port {Port} within {StartTimeout}. Log:\n{ReadLog()}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Stops the broker: SIGTERM lets it save persistence and close cleanly; <paramref name="graceful"/> false kills it
    /// (SIGKILL) as a power cut would.
    /// </summary>
    public async Task StopAsync(bool graceful = true)
    {
        Process? process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }
        if (graceful)
        {
            if (Kill(process.Id, SigTerm) != 0)
            {
                throw new InvalidOperationException($"kill(SIGTERM) of mosquitto {process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        else
        {
            process.Kill();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        _process = null;
    }

    /// <summary>Stops (gracefully) and starts the broker again on the same ports.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>The broker's log so far, for assertion messages.</summary>
    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process.Dispose();
            _process = null;
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private async Task WriteConfigurationAsync()
    {
        var config = new StringBuilder();
        config.AppendLine("per_listener_settings false");
        // As root, mosquitto would otherwise drop to the 'mosquitto' user and lose access to this test's files.
        config.AppendLine($"user {Environment.UserName}");
        config.AppendLine($"log_dest file {LogFile}");
        config.AppendLine("log_type error");
        config.AppendLine("log_type warning");
        config.AppendLine("log_type notice");
        config.AppendLine("log_type information");
        config.AppendLine("connection_messages true");
        config.AppendLine("max_queued_messages 20000");
        config.AppendLine($"persistence {(_options.Persistence ? "true" : "false")}");
        if (_options.Persistence)
        {
            config.AppendLine($"persistence_location {Directory}/");
        }
        if (_options.Users is { } users)
        {
            string passwordFile = Path.Combine(Directory, "passwords");
            await File.WriteAllTextAsync(passwordFile, "");
            foreach ((string user, string password) in users)
            {
                await RunPasswdAsync(passwordFile, user, password);
            }
            config.AppendLine("allow_anonymous false");
            config.AppendLine($"password_file {passwordFile}");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }
        if (_options.AclLines is { } acl)
        {
            string aclFile = Path.Combine(Directory, "acl");
            await File.WriteAllLinesAsync(aclFile, acl);
            config.AppendLine($"acl_file {aclFile}");
        }
        config.AppendLine($"listener {Port} 127.0.0.1");
        if (_options.Tls is { } tls && TlsPort is int tlsPort)
        {
            config.AppendLine($"listener {tlsPort} 127.0.0.1");
            config.AppendLine($"cafile {tls.CaFile}");
            config.AppendLine($"certfile {tls.ServerCertificateFile}");
            config.AppendLine($"keyfile {tls.ServerKeyFile}");
            config.AppendLine($"require_certificate {(_options.RequireClientCertificate ? "true" : "false")}");
        }
        await File.WriteAllTextAsync(ConfigFile, config.ToString());
    }

    private static async Task RunPasswdAsync(string passwordFile, string user, string password)
    {
        if (!File.Exists(PasswdTool))
        {
            throw new InvalidOperationException($"{PasswdTool} is missing: it comes with 'apt-get install -y mosquitto'.");
        }
        using Process process = Process.Start(new ProcessStartInfo(PasswdTool, ["-b", passwordFile, user, password])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_passwd failed ({process.ExitCode}): {error}");
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>How the test broker is set up.</summary>
public sealed record MosquittoBrokerOptions
{
    /// <summary>Keep sessions and queued messages across <see cref="MosquittoBroker.RestartAsync"/> (saved on SIGTERM).</summary>
    public bool Persistence { get; init; } = true;

    /// <summary>Users of a password file; null allows anonymous clients.</summary>
    public IReadOnlyList<(string User, string Password)>? Users { get; init; }

    /// <summary>Lines of an ACL file, when set.</summary>
    public IReadOnlyList<string>? AclLines { get; init; }

    /// <summary>Files for a second, TLS listener, when set.</summary>
    public MosquittoTlsFiles? Tls { get; init; }

    /// <summary>Whether the TLS listener demands a client certificate.</summary>
    public bool RequireClientCertificate { get; init; }
}

/// <summary>CA, server certificate and key for the broker's TLS listener.</summary>
public sealed record MosquittoTlsFiles(string CaFile, string ServerCertificateFile, string ServerKeyFile);

/// <summary>Free loopback ports, and whether one accepts connections yet.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
