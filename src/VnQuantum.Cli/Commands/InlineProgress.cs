namespace VnQuantum.Cli.Commands;

/// <summary>Calls back on the reporting thread itself (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
