using System.Runtime.InteropServices;
using System.Text;

namespace ModelOps.Kafka;

/// <summary>
/// librdkafka's mock cluster: a real Kafka-protocol peer (brokers on 127.0.0.1 ports) inside this process, that
/// other clients and processes (Confluent.Kafka, <c>kcat</c>) reach through <see cref="BootstrapServers"/>. For trying
/// the streaming job locally (<c>modelops kafka mock</c>) and for tests; its limits: topics are created here
/// (<see cref="CreateTopic"/>) or automatically on first use with 4 partitions, and a partition keeps about 5 MiB.
/// </summary>
public sealed partial class MockCluster : IDisposable
{
    private const string Library = "librdkafka";
    private readonly nint _client;

    static MockCluster() => NativeLibrary.SetDllImportResolver(typeof(MockCluster).Assembly, Resolve);
    private nint _cluster;

    private MockCluster(nint client, nint cluster)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster)) ?? string.Empty;
    }

    /// <summary>The brokers' addresses, <c>127.0.0.1:PORT,...</c>, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="InvalidOperationException">librdkafka refused (its message is included).</exception>
    public static MockCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var errors = new byte[512];
        var conf = rd_kafka_conf_new();

        // The cluster's own handle never connects anywhere (it only hosts the brokers), so it logs errors only:
        // not the warning that it has no bootstrap servers.
        if (rd_kafka_conf_set(conf, "client.id", "modelops-mock-cluster", errors, errors.Length) != 0
            || rd_kafka_conf_set(conf, "log_level", "3", errors, errors.Length) != 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"librdkafka refused the mock cluster's configuration: {Text(errors)}");
        }

        var client = rd_kafka_new(0, conf, errors, errors.Length);
        if (client == 0)
        {
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's handle: {Text(errors)}");
        }

        var cluster = rd_kafka_mock_cluster_new(client, brokers);
        if (cluster == 0)
        {
            rd_kafka_destroy(client);
            throw new InvalidOperationException("librdkafka could not start a mock cluster");
        }

        return new MockCluster(client, cluster);
    }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions (replication factor 1).</summary>
    /// <exception cref="InvalidOperationException">librdkafka refused (the error code is named).</exception>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        var error = rd_kafka_mock_topic_create(_cluster, topic, partitions, 1);
        if (error != 0)
        {
            throw new InvalidOperationException($"the mock cluster could not create topic '{topic}': {Marshal.PtrToStringUTF8(rd_kafka_err2str(error))}");
        }
    }

    /// <summary>
    /// Makes the cluster answer the next <paramref name="errors"/>.Length requests of API <paramref name="apiKey"/> (0 is Produce,
    /// 8 OffsetCommit) with those error codes, in order, as a failing broker would (for testing clients' error paths).
    /// </summary>
    public void FailNextRequests(short apiKey, params int[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        rd_kafka_mock_push_request_errors_array(_cluster, apiKey, errors.Length, errors);
    }

    /// <summary>Forgets the errors of <see cref="FailNextRequests"/> not yet answered for API <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(short apiKey)
    {
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        rd_kafka_mock_clear_request_errors(_cluster, apiKey);
    }

    /// <summary>Stops the brokers; clients connected to them see their connections close.</summary>
    public void Dispose()
    {
        if (_cluster != 0)
        {
            rd_kafka_mock_cluster_destroy(_cluster);
            rd_kafka_destroy(_client);
            _cluster = 0;
        }
    }

    // librdkafka.redist's default Linux build needs libsasl2 (absent on a plain Debian); its "centos8" build is
    // self-contained. Try the default first, as Confluent.Kafka does, then that one.
    private static nint Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return 0;
        }

        if (NativeLibrary.TryLoad(name, assembly, path, out var found))
        {
            return found;
        }

        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier.StartsWith("linux-arm64", StringComparison.Ordinal) ? "linux-arm64" : "linux-x64", "native");
        return OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Path.Combine(native, "centos8-librdkafka.so"), out var selfContained) ? selfContained : 0;
    }

    private static string Text(byte[] buffer) => Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0))).Trim();

    [LibraryImport(Library)]
    private static partial nint rd_kafka_conf_new();

    [LibraryImport(Library)]
    private static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(nint conf, string name, string value, byte[] errors, nint errorsSize);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_new(int type, nint conf, byte[] errors, nint errorsSize);

    [LibraryImport(Library)]
    private static partial void rd_kafka_destroy(nint client);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_mock_cluster_new(nint client, int brokers);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_cluster_destroy(nint cluster);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_mock_cluster_bootstraps(nint cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_mock_topic_create(nint cluster, string topic, int partitions, int replication);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_err2str(int error);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_push_request_errors_array(nint cluster, short apiKey, nint count, int[] errors);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_clear_request_errors(nint cluster, short apiKey);
}
