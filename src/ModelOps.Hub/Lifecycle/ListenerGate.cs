using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ModelOps.Hub.Lifecycle;

/// <summary>
/// Closes the hub's listening sockets to new connections without resetting the ones the kernel has
/// already accepted for it. Closing a listening socket resets every connection still in its accept
/// queue: their clients completed the handshake, sent a request and see "connection reset". On Linux
/// the gate instead attaches a socket filter that drops every packet to the listener (new handshakes
/// get no answer and fail as refused once the socket closes), then waits until Kestrel has accepted
/// what was queued and every accepted connection's first request has come in (or the connection
/// ended), at most <see cref="FirstRequestLimit"/>, so they are answered: a stopping server closes a
/// connection that has not begun a request. Elsewhere <see cref="CloseAsync"/> does nothing and the
/// server's stop closes the sockets as usual.
/// </summary>
internal sealed class ListenerGate
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;
    private const int TcpInfo = 11;
    private const int TcpInfoUnackedOffset = 24;

    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentDictionary<string, byte> _unheard = new(StringComparer.Ordinal);

    /// <summary>The longest a closing gate waits for accepted connections' first requests (a client that connects and sends nothing).</summary>
    public static readonly TimeSpan FirstRequestLimit = TimeSpan.FromSeconds(3);

    /// <summary>Kestrel connection middleware: remembers each accepted connection until its first request comes in or it ends.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async connection =>
    {
        _unheard.TryAdd(connection.ConnectionId, 0);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            _unheard.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>Notes that a request came in on the connection (called for every request; the first one counts).</summary>
    public void Heard(string connectionId) => _unheard.TryRemove(connectionId, out _);

    /// <summary>Creates Kestrel's listening sockets (the default way) and remembers them; for <see cref="SocketTransportOptions.CreateBoundListenSocket"/>.</summary>
    public Socket CreateListenSocket(EndPoint endpoint)
    {
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        lock (_listeners)
        {
            _listeners.Add(socket);
        }

        return socket;
    }

    /// <summary>Stops new connections and waits (at most until <paramref name="cancellationToken"/>) for the accepted ones to be taken and heard.</summary>
    /// <returns>Whether the gate closed (Linux, TCP listeners).</returns>
    public async Task<bool> CloseAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        Socket[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners.Where(s => s.ProtocolType == ProtocolType.Tcp)];
        }

        if (!OperatingSystem.IsLinux() || listeners.Length == 0)
        {
            return false;
        }

        foreach (var listener in listeners)
        {
            try
            {
                DropEveryPacket(listener);
            }
            catch (ObjectDisposedException)
            {
                // Already closed by a stopped server: nothing queues on it any more.
            }
        }

        var limit = time.GetTimestamp() + (long)(FirstRequestLimit.TotalSeconds * time.TimestampFrequency);
        while ((listeners.Any(s => QueuedConnections(s) > 0) || !_unheard.IsEmpty) && time.GetTimestamp() < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // A classic BPF program of one instruction, "ret #0": accept 0 bytes of every packet, i.e. drop it.
    private static void DropEveryPacket(Socket listener)
    {
        var filter = Marshal.AllocHGlobal(8);
        try
        {
            // struct sock_filter { u16 code = BPF_RET | BPF_K; u8 jt; u8 jf; u32 k = 0; }
            Marshal.WriteInt64(filter, 0x06);
            // struct sock_fprog { u16 len = 1; (padding) struct sock_filter *filter; }
            Span<byte> program = stackalloc byte[16];
            program.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(program, 1);
            BinaryPrimitives.WriteInt64LittleEndian(program[8..], filter.ToInt64());
            listener.SetRawSocketOption(SolSocket, SoAttachFilter, program);
        }
        finally
        {
            Marshal.FreeHGlobal(filter);
        }
    }

    // For a listening socket, tcp_info's tcpi_unacked is the length of the accept queue.
    private static int QueuedConnections(Socket listener)
    {
        Span<byte> info = stackalloc byte[104];
        try
        {
            var length = listener.GetRawSocketOption((int)ProtocolType.Tcp, TcpInfo, info);
            return length >= TcpInfoUnackedOffset + 4 ? BinaryPrimitives.ReadInt32LittleEndian(info[TcpInfoUnackedOffset..]) : 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }
}
