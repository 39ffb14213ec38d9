using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL server for the whole test run: <c>initdb</c> into a temp folder and
/// <c>pg_ctl start</c> on a free port of 127.0.0.1, as the unprivileged <c>postgres</c> user when
/// the tests run as root. Durability is off (fsync) since the data is deleted at the end. When the
/// server binaries are missing, every PostgreSQL test fails with the command that installs them.
/// The server never outlives the tests: a watchdog stops it and deletes its folder once the test process is gone
/// (killed, crashed or ended without disposing the fixture), a stop that fails ends in a kill, and the server inherits
/// none of the test process's files (a lock a shell took around the run is not held on by it).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string DatabaseName = "modelops_tests";
    private const string SuperUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private TempFolder? _folder;
    private string _binaries = string.Empty;
    private int? _serverPid;

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    private string DataPath => _folder!.Combine("data");

    /// <summary>A URL of a fresh, empty schema of the test database.</summary>
    public async Task<string> CreateSchemaUrlAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString(DatabaseName));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        await command.ExecuteNonQueryAsync();
        return Url(DatabaseName, schema);
    }

    /// <summary>A connection string (no pooling) for a URL made by <see cref="CreateSchemaUrlAsync"/>, to read and change tables behind a store's back.</summary>
    public static string ConnectionStringOf(string schemaUrl)
    {
        var uri = new Uri(schemaUrl);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Username = SuperUser,
            Database = uri.AbsolutePath.TrimStart('/'),
            SearchPath = uri.Query.Split("search_path=")[1],
            Pooling = false,
        }.ToString();
    }

    public string Url(string database, string? schema = null) =>
        string.Create(CultureInfo.InvariantCulture, $"postgresql://{SuperUser}@{Host}:{Port}/{database}") + (schema is null ? string.Empty : $"?search_path={schema}");

    public async Task InitializeAsync()
    {
        _binaries = FindBinaries();
        KeepFilesFromChildren();
        _folder = new TempFolder("modelops-pg-");
        if (IsRoot)
        {
            // initdb refuses to run as root; the cluster belongs to the postgres user.
            Run("chown", [SuperUser + ":" + SuperUser, _folder.Path]);
        }

        RunAsPostgres("initdb", ["-D", DataPath, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--locale=C", "--no-sync"]);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort.Next();
            var options = string.Create(CultureInfo.InvariantCulture,
                $"-p {Port} -c listen_addresses=127.0.0.1 -k {_folder.Path} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
            try
            {
                RunAsPostgres("pg_ctl", ["-D", DataPath, "-l", _folder.Combine("server.log"), "-o", options, "-w", "-t", "60", "start"]);
                last = null;
                break;
            }
            catch (InvalidOperationException error)
            {
                // Most likely another process took the port between our probe and the start.
                last = error;
            }
        }

        if (last is not null)
        {
            var log = File.Exists(_folder.Combine("server.log")) ? File.ReadAllText(_folder.Combine("server.log")) : string.Empty;
            throw new InvalidOperationException($"{last.Message}\nserver log:\n{log}", last);
        }

        _serverPid = int.Parse(File.ReadLines(Path.Combine(DataPath, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        StartWatchdog();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        if (_folder is not null)
        {
            NpgsqlConnection.ClearAllPools();
            if (Port != 0 && Directory.Exists(DataPath))
            {
                try
                {
                    RunAsPostgres("pg_ctl", ["-D", DataPath, "-m", "immediate", "-w", "stop"]);
                }
                catch (Exception error) when (error is InvalidOperationException or TimeoutException)
                {
                    // Not running, or not stopping: the kill below makes sure.
                }
            }

            if (_serverPid is { } pid && IsOurServer(pid))
            {
                using var server = Process.GetProcessById(pid);
                server.Kill(entireProcessTree: true);
                server.WaitForExit(10_000);
            }

            _folder.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether process <paramref name="pid"/> is still this fixture's server (and not another process that took its id).</summary>
    private bool IsOurServer(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(DataPath, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // gone
        }
    }

    /// <summary>
    /// A detached shell that waits for this process to end, then stops the server and deletes its folder: the
    /// fixture's disposal never runs when the test host is killed or crashes.
    /// </summary>
    private void StartWatchdog()
    {
        var stop = string.Join(' ', new[] { IsRoot ? $"runuser -u {SuperUser} --" : string.Empty, Quote(Path.Combine(_binaries, "pg_ctl")), "-D", Quote(DataPath), "-m immediate -w stop" });
        var script = string.Create(CultureInfo.InvariantCulture,
            $"exec </dev/null >/dev/null 2>&1; while [ -d /proc/{Environment.ProcessId} ]; do sleep 1; done; if [ -d {Quote(DataPath)} ]; then {stop}; fi; rm -rf {Quote(_folder!.Path)}");
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[] { "sh", "-c", script })
        {
            info.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(info) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Marks every file this process inherited close-on-exec (.NET's own files already are), so that the server,
    /// which runs on after pg_ctl returns, holds none of them: a lock file that <c>flock</c> opened around the test
    /// run would otherwise stay locked as long as the server runs.
    /// </summary>
    private static void KeepFilesFromChildren()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd > 2)
            {
                _ = Fcntl(fd, SetDescriptorFlags, CloseOnExec); // a descriptor closed meanwhile (the listing's own) fails: nothing to do
            }
        }
    }

    private const int SetDescriptorFlags = 2; // F_SETFD

    private const int CloseOnExec = 1; // FD_CLOEXEC

    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int Fcntl(int fd, int command, int argument);

    private static bool IsRoot => Environment.UserName == "root";

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Database = database,
        Pooling = false,
    }.ToString();

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MODELOPS_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.Add("/usr/lib/postgresql/15/bin");
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")));
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin: install them with " +
            "'apt-get install -y postgresql-15' (./build.sh test does it when run as root), or set MODELOPS_PG_BIN to their folder.");
    }

    private void RunAsPostgres(string tool, IEnumerable<string> arguments)
    {
        var path = Path.Combine(_binaries, tool);
        if (IsRoot)
        {
            Run("runuser", ["-u", SuperUser, "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, IEnumerable<string> arguments)
    {
        var (code, output) = ProcessRunner.Run(file, arguments, CommandTimeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed with exit code {code}:\n{output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
