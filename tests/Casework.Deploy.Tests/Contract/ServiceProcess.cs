using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Casework.Testing;

namespace Casework.Deploy.Tests.Contract;

/// <summary>A component's Release build as the chart's image runs it: which folder, which assembly.</summary>
public sealed record Component(string Name, string ProjectDirectory, string Assembly, bool Grpc, bool Migrates)
{
    public static readonly IReadOnlyList<Component> All =
    [
        new("identity", "services/Identity/Casework.Identity", "Casework.Identity", Grpc: false, Migrates: true),
        new("intake", "services/Intake/Casework.Intake.Api", "Casework.Intake.Api", Grpc: true, Migrates: true),
        new("case", "services/Case/Casework.Case.Api", "Casework.Case.Api", Grpc: true, Migrates: true),
        new("notes", "services/Notes/Casework.Notes.Api", "Casework.Notes.Api", Grpc: true, Migrates: true),
        new("assignment", "services/Assignment/Casework.Assignment.Api", "Casework.Assignment.Api", Grpc: true, Migrates: true),
        new("reporting", "services/Reporting/Casework.Reporting.Api", "Casework.Reporting.Api", Grpc: true, Migrates: true),
        new("gateway", "gateway/Casework.Gateway", "Casework.Gateway", Grpc: false, Migrates: false),
    ];

    /// <summary>make test builds Release before it tests; so does the README's `make build`.</summary>
    public string BinaryDirectory => Path.Combine(TestEnvironment.RepoRoot, ProjectDirectory, "bin", "Release", "net10.0");

    public string Dll
    {
        get
        {
            var dll = Path.Combine(BinaryDirectory, Assembly + ".dll");
            return File.Exists(dll) ? dll
                : throw new InvalidOperationException($"{dll} not found: build Release first (dotnet build Casework.slnx -c Release; make test does).");
        }
    }

    public override string ToString() => Name;
}

/// <summary>
/// One process started with exactly the environment it is given (nothing inherited from the test run but what dotnet
/// needs to start), its output kept for the assertions and copied to a log file for whoever investigates.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private ServiceProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote so far (stdout and stderr, in arrival order).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public IEnumerable<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The last lines of the output, for failure messages.</summary>
    public string Tail(int lines = 30) => string.Join('\n', Lines.TakeLast(lines));

    /// <summary>
    /// Starts <c>dotnet &lt;dll&gt; [args]</c> in the component's folder (its content root, as /app is in the image)
    /// with the given environment and only PATH, HOME and DOTNET_ROOT of the test run's.
    /// </summary>
    public static ServiceProcess Start(Component component, IReadOnlyDictionary<string, string> environment, string logPath, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost, [component.Dll, .. arguments])
        {
            WorkingDirectory = component.BinaryDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var essential in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(essential) is { } value)
            {
                start.Environment[essential] = value;
            }
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var running = new ServiceProcess(process, logPath);
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputClosed.TrySetResult();
            }
            return;
        }
        lock (_output)
        {
            _output.Append(line).Append('\n');
            _log.WriteLine(line);
        }
    }

    /// <summary>Waits for the process to exit (and its output to be read to the end); false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _outputClosed.Task.WaitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls GET /health/ready until it answers 200; false when the process exits or the time is up.</summary>
    public async Task<bool> WaitReadyAsync(int port, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        return false;
    }

    /// <summary>Waits until a line containing <paramref name="text"/> is written; false on exit or timeout.</summary>
    public async Task<bool> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
            if (_process.HasExited)
            {
                await _outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(5));
                return Output.Contains(text, StringComparison.Ordinal);
            }
            await Task.Delay(100);
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
        lock (_output)
        {
            _log.Dispose();
        }
    }

    /// <summary>The dotnet host that runs this test (the CLI tells its children where it is), else dotnet on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Distinct free loopback ports, all held open until every one is chosen, then released together. They are taken
    /// below the kernel's ephemeral range (32768 and up): a port the kernel handed out and took back there can be
    /// given to any process's next outgoing connection (the other test suites make many) before the service binds it.
    /// </summary>
    public static IReadOnlyList<int> FreePorts(int count)
    {
        const int first = 20_000, last = 24_999; // clear of RabbitMQ (25672), PostgreSQL and the local run's ports
        var listeners = new List<System.Net.Sockets.TcpListener>();
        try
        {
            foreach (var port in Enumerable.Range(first, last - first + 1).OrderBy(_ => Random.Shared.Next()))
            {
                if (listeners.Count == count)
                {
                    break;
                }
                var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // in use: try another
                }
            }
            return listeners.Count == count
                ? listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToList()
                : throw new InvalidOperationException($"Fewer than {count} free loopback ports between {first} and {last}.");
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
