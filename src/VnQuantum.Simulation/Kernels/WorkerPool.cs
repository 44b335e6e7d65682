namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// Persistent worker threads that split an index range into chunks. A gate hands over a function pointer and a
/// pointer to its kernel on the caller's stack, so dispatching a gate allocates nothing.
/// </summary>
internal sealed unsafe class WorkerPool : IDisposable
{
    /// <summary>Below this many work items the caller runs the range alone: waking threads costs more.</summary>
    public const long MinimumParallelCount = 1L << 13;

    private readonly Thread[] _workers;
    private readonly ManualResetEventSlim[] _go;
    private readonly CountdownEvent _done;
    private delegate*<void*, long, long, void> _body;
    private void* _context;
    private long _count;
    private long _chunk;
    private long _next;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        _go = new ManualResetEventSlim[Threads - 1];
        _done = new CountdownEvent(1);
        for (int i = 0; i < _workers.Length; i++)
        {
            int id = i;
            _go[i] = new ManualResetEventSlim(false, spinCount: 200);
            _workers[i] = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"vnq-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs <paramref name="body"/> over [0, count) in chunks whose starts are multiples of <paramref name="alignment"/>.</summary>
    public void Run(delegate*<void*, long, long, void> body, void* context, long count, long alignment = 64)
    {
        if (count <= 0)
        {
            return;
        }

        if (Threads == 1 || count < MinimumParallelCount)
        {
            body(context, 0, count);
            return;
        }

        long chunk = Math.Max(alignment, count / (Threads * 8L));
        chunk = (chunk + alignment - 1) / alignment * alignment;
        RunChunked(body, context, count, chunk);
    }

    /// <summary>Runs fixed-size chunks (the same partition on any thread count, so reductions are reproducible).</summary>
    public void RunFixedChunks(delegate*<void*, long, long, void> body, void* context, long count, long chunk)
    {
        if (count <= 0)
        {
            return;
        }

        if (Threads == 1 || count <= chunk)
        {
            for (long start = 0; start < count; start += chunk)
            {
                body(context, start, Math.Min(start + chunk, count));
            }

            return;
        }

        RunChunked(body, context, count, chunk);
    }

    private void RunChunked(delegate*<void*, long, long, void> body, void* context, long count, long chunk)
    {
        _body = body;
        _context = context;
        _count = count;
        _chunk = chunk;
        _next = 0;
        _done.Reset(_workers.Length);
        foreach (var go in _go)
        {
            go.Set();
        }

        Work();
        _done.Wait();
    }

    private void Work()
    {
        long count = _count;
        long chunk = _chunk;
        var body = _body;
        void* context = _context;
        long start;
        while ((start = Interlocked.Add(ref _next, chunk) - chunk) < count)
        {
            body(context, start, Math.Min(start + chunk, count));
        }
    }

    private void WorkerLoop(int id)
    {
        var go = _go[id];
        while (true)
        {
            go.Wait();
            go.Reset();
            if (_disposed)
            {
                return;
            }

            Work();
            _done.Signal();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var go in _go)
        {
            go.Set();
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }

        foreach (var go in _go)
        {
            go.Dispose();
        }

        _done.Dispose();
    }
}
