using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelOps.Cli.Tests;

/// <summary>What became of one request of a <see cref="RawHttpClient"/>.</summary>
internal enum RawOutcome
{
    /// <summary>A whole response came back.</summary>
    Answered,

    /// <summary>No connection: the server refused it before anything was sent.</summary>
    Refused,

    /// <summary>The request went out on an open connection and the connection ended (reset or closed) without a whole response.</summary>
    Dropped,
}

/// <summary>One response of a <see cref="RawHttpClient"/>.</summary>
internal sealed record RawResponse(RawOutcome Outcome, int Status = 0, string Body = "", bool Close = false, string? Error = null);

/// <summary>
/// An HTTP/1.1 client on one keep-alive connection that never retries and never hides a failure, unlike
/// <see cref="HttpClient"/> (which silently resends a request whose pooled connection was closed): it reports
/// whether each request was answered, refused before it was sent, or dropped after it was sent. It closes
/// its connection when a response says <c>Connection: close</c> and opens a new one for the next request.
/// </summary>
internal sealed class RawHttpClient(Uri address, string token) : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;
    private int _sent;

    public async Task<RawResponse> SendAsync(string method, string path, string? body = null)
    {
        if (_socket is null)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address.Host), address.Port));
            }
            catch (SocketException error)
            {
                socket.Dispose();
                return new RawResponse(RawOutcome.Refused, Error: error.SocketErrorCode.ToString());
            }

            _socket = socket;
            _start = _end = _sent = 0;
        }

        var content = Encoding.UTF8.GetBytes(body ?? string.Empty);
        var head = $"{method} {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {token}\r\n"
            + (body is null ? string.Empty : $"Content-Type: application/json\r\nContent-Length: {content.Length}\r\n") + "\r\n";
        try
        {
            _sent++;
            await _socket.SendAsync(Encoding.ASCII.GetBytes(head).Concat(content).ToArray());
            var response = await ReadResponseAsync();
            if (response.Close)
            {
                Close();
            }

            return response;
        }
        catch (Exception error) when (error is SocketException or EndOfStreamException)
        {
            var sent = _sent;
            Close();
            return new RawResponse(RawOutcome.Dropped, Error: $"{error.Message} (request {sent} of its connection)");
        }
    }

    public void Dispose() => Close();

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private async Task<RawResponse> ReadResponseAsync()
    {
        var status = int.Parse((await ReadLineAsync()).Split(' ')[1], CultureInfo.InvariantCulture);
        int? length = null;
        var chunked = false;
        var close = false;
        for (var line = await ReadLineAsync(); line.Length > 0; line = await ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Equals("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        var body = new MemoryStream();
        if (chunked)
        {
            for (var size = int.Parse(await ReadLineAsync(), NumberStyles.HexNumber, CultureInfo.InvariantCulture); size > 0; size = int.Parse(await ReadLineAsync(), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            {
                await ReadExactAsync(body, size);
                await ReadLineAsync();
            }

            await ReadLineAsync();
        }
        else
        {
            await ReadExactAsync(body, length ?? 0);
        }

        return new RawResponse(RawOutcome.Answered, status, Encoding.UTF8.GetString(body.ToArray()), close);
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            await FillAsync();
        }
    }

    private async Task ReadExactAsync(MemoryStream into, int count)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var take = Math.Min(count, _end - _start);
            into.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end));
        if (read == 0)
        {
            throw new EndOfStreamException("the server closed the connection before a whole response");
        }

        _end += read;
    }
}
