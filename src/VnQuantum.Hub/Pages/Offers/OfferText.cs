using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>How the offer pages name kinds and states, in the reader's language (Resources/SharedResource.*.resx).</summary>
public static class OfferText
{
    public static string Kind(IStringLocalizer text, OfferKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[kind switch
        {
            OfferKind.TechnologyOffer => "offers.kind.technology",
            OfferKind.PartnerWanted => "offers.kind.partner",
            _ => "offers.kind.investment",
        }];
    }

    public static string State(IStringLocalizer text, OfferState state)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[state switch
        {
            OfferState.Draft => "offers.state.draft",
            OfferState.Submitted => "offers.state.submitted",
            OfferState.Published => "offers.state.published",
            _ => "offers.state.rejected",
        }];
    }

    public static string Interest(IStringLocalizer text, InterestState state)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[state switch
        {
            InterestState.Accepted => "offers.interest.accepted",
            InterestState.Declined => "offers.interest.declined",
            _ => "offers.interest.pending",
        }];
    }
}
