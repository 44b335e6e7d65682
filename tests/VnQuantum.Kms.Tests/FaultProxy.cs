using System.Net;
using System.Net.Sockets;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// A TCP proxy on loopback between two KMEs, for the fault suite: it forwards, delays, swallows the answers (the
/// request arrives, the reply never does), refuses new connections, or cuts the ones open. TLS passes through it
/// untouched, so the KMEs still authenticate each other end to end.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public FaultProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public enum Mode
    {
        Forward,
        SwallowReplies,
        Refuse,
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Mode Current { get; set; } = Mode.Forward;

    /// <summary>Added to every chunk forwarded in either direction.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Closes every connection now open (both sides see a reset or an early end).</summary>
    public void CutAll()
    {
        lock (_open)
        {
            foreach (var c in _open)
            {
                Reset(c);
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Closes with a reset (linger 0), as a crashed host or a middlebox would; a connection already closed is left.</summary>
    private static void Reset(TcpClient connection)
    {
        try
        {
            if (connection.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        connection.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (Current == Mode.Refuse)
            {
                Reset(client);
                continue;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            _ = PumpAsync(client, upstream, replies: false);
            _ = PumpAsync(upstream, client, replies: true);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool replies)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                int n = await source.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, _stop.Token);
                }

                if (replies && Current == Mode.SwallowReplies)
                {
                    continue;
                }

                await sink.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
