using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>How the offer pages name kinds and states, in both languages.</summary>
public static class OfferText
{
    public static string Kind(OfferKind kind) => kind switch
    {
        OfferKind.TechnologyOffer => "Chào công nghệ · Technology offer",
        OfferKind.PartnerWanted => "Tìm đối tác R&D · R&D partner wanted",
        _ => "Gọi vốn · Investment sought",
    };

    public static string State(OfferState state) => state switch
    {
        OfferState.Draft => "bản nháp · draft",
        OfferState.Submitted => "chờ duyệt · awaiting review",
        OfferState.Published => "đã đăng · published",
        _ => "bị trả lại · sent back",
    };
}
