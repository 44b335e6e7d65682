using System.Globalization;

// A .NET start-up hook (DOTNET_STARTUP_HOOKS names this assembly): it runs in a job worker before the hub's Main, so
// that a test can give the worker the slow start of a busy node. The runtime looks for exactly this name, outside any
// namespace.
#pragma warning disable CA1050
internal static class StartupHook
#pragma warning restore CA1050
{
    public const string DelayVariable = "VNQ_TEST_WORKER_START_DELAY_MS";

    public static void Initialize()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(DelayVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int milliseconds))
        {
            Thread.Sleep(milliseconds);
        }
    }
}
