using VnQuantum.Sensing.Design;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Tests;

public class SensorFileTests
{
    [Fact]
    public void EachSensorKind_Evaluates_AndAgreesWithTheLibrary()
    {
        var nv = SensorFile.Evaluate("""{ "sensor": "nv", "mode": "ramsey", "t2star": "1 us", "contrast": 0.3, "photonsPerReadout": 0.1 }""", "nv.json");
        var direct = NvMagnetometry.Optimum(new NvPulsedSettings(1, 1e-6, 0.3, 0.1));
        Assert.Equal(direct.Sensitivity, nv.Quantities.Single(q => q.Name == "sensitivity η").Value, 15);
        Assert.NotNull(nv.Plot);

        var clock = SensorFile.Evaluate("""{ "sensor": "clock", "frequency": "9.192631770 GHz", "interrogation": "0.5 s", "atoms": 1e6, "cycle": "1 s" }""", "clock.json");
        Assert.Equal(3.4627e-14, clock.Quantities.Single(q => q.Name.StartsWith("σ_y at τ = 1 s", StringComparison.Ordinal)).Value, 1e-18);

        var ramsey = SensorFile.Evaluate("""{ "sensor": "ramsey", "t2star": "2 us", "contrast": 0.03, "deadTime": "1 us" }""", "r.json");
        Assert.Equal(Ramsey.Optimum(new RamseySensor(2e-6, 1, 0.03, 1e-6)).Sensitivity, ramsey.Quantities[1].Value, 15);

        var probe = SensorFile.Evaluate("""{ "sensor": "probe", "state": "ghz", "spins": 8, "dephasing": "1e3/s" }""", "p.json");
        Assert.Equal(EntangledProbes.Optimum(ProbeState.Ghz, 8, 1e3).Sensitivity, probe.Quantities[1].Value, 15);

        var vector = SensorFile.Evaluate("""{ "sensor": "nv", "mode": "vector", "t2star": "2 us", "spins": 1e9, "field": ["0 uT", "0 uT", "1 uT"], "isotope": "none" }""", "v.json");
        Assert.Equal(4, vector.Quantities.Count(q => q.Unit is "T/√Hz" or "s"));

        var ac = SensorFile.Evaluate("""{ "sensor": "nv", "mode": "ac", "t2star": "5 us", "bathCorrelation": "100 us", "acFrequency": "200 kHz", "maxPulses": 64, "contrast": 0.3, "photonsPerReadout": 0.1 }""", "ac.json");
        double eta = ac.Quantities.Single(q => q.Name == "sensitivity η").Value;
        double echo = ac.Quantities.Single(q => q.Name.StartsWith("Hahn echo", StringComparison.Ordinal)).Value;
        Assert.True(eta < echo, $"CPMG {eta} vs echo {echo}");
        Assert.Contains(ac.Notes, n => n.Contains("raise maxPulses", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "sensor": "nv", "t2star": 2 }""", "nv.json: t2star: 2 has no unit")]
    [InlineData("""{ "sensor": "nv", "t2star": "2 parsecs" }""", "nv.json: t2star: unknown unit 'parsecs'")]
    [InlineData("""{ "sensor": "nv", "t2start": "2 us" }""", "nv.json: t2start: not a field of a nv sensor")]
    [InlineData("""{ "sensor": "laser" }""", "nv.json: sensor: 'laser' is not one of")]
    [InlineData("""{ "sensor": "clock", "frequency": "9 GHz", "interrogation": "2 s", "atoms": 10, "cycle": "1 s" }""", "must last at least the interrogation")]
    [InlineData("""{ "sensor": "nv", "mode": "vector", "t2star": "1 us", "field": ["1", "0 T", "0 T"] }""", "nv.json: field[0]: '1' has no unit")]
    [InlineData("{ \"sensor\": \"nv\",\n  \"t2star\": }", "nv.json:2:")]
    public void BadDesigns_GetAnErrorNamingTheField(string json, string expected)
    {
        var e = Assert.Throws<SensorFileException>(() => SensorFile.Evaluate(json, "nv.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
