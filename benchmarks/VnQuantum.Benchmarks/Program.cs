using BenchmarkDotNet.Running;
using VnQuantum.Benchmarks;

// `ratios` (the default): the side-by-side table of docs/benchmarks.md. `qkd`: the QKD post-processing tables.
// `startup`: whole `vnq run` processes against allocating and zeroing the state once. `qasmbench`: every
// QASMBench program through `vnq info` and `vnq run`, estimate beside measurement. `mpi`: one process against the
// state split over mpirun ranks. `costmodel`: the state vector's
// time per kernel class, the figures its cost model carries. `bdn`: the BenchmarkDotNet suite.
if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(GateBenchmarks).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "kms-load")
{
    return KmsLoadBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "hub-load")
{
    return HubLoadBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "sensing")
{
    return SensingBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "network")
{
    return NetworkBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "noise")
{
    return NoiseBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "startup")
{
    return StartupBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "zero")
{
    _ = StartupBench.Zero(long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2]);
    return 0;
}

if (args.Length > 0 && args[0] == "qasmbench")
{
    return QasmBenchTable.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "costmodel")
{
    return CostModelBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "mpi")
{
    return MpiBench.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "qkd")
{
    return QkdBench.Run(args[1..]);
}

return RatioBench.Run(args.Length > 0 && args[0] == "ratios" ? args[1..] : args);
