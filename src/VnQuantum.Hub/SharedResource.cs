namespace VnQuantum.Hub;

/// <summary>
/// The key of the hub's shared strings: Resources/SharedResource.vi.resx (the default language) and
/// SharedResource.en.resx, read through <c>IStringLocalizer&lt;SharedResource&gt;</c>.
/// </summary>
public sealed class SharedResource
{
}
