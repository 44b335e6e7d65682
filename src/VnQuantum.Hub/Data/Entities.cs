namespace VnQuantum.Hub.Data;

/// <summary>The three pillars a member or project works in.</summary>
public enum Pillar
{
    Computing,
    Communication,
    Sensing,
}

/// <summary>What kind of body an organisation is.</summary>
public enum OrganisationKind
{
    University,
    Institute,
    Company,
    Investor,
    Government,
}

/// <summary>A member of the network.</summary>
public sealed class Person
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public string? Affiliation { get; set; }

    public required string Country { get; set; }

    /// <summary>Comma-separated expertise tags ("ion traps, QKD").</summary>
    public string Expertise { get; set; } = string.Empty;

    public Pillar Pillar { get; set; }

    /// <summary>ORCID iD as 0000-0000-0000-000X, validated by <see cref="Orcid"/>.</summary>
    public string? Orcid { get; set; }

    public string? Biography { get; set; }

    /// <summary>Links to publications, one per line: DOIs (10.xxxx/…) or http(s) URLs, checked by <see cref="Publications"/>.</summary>
    public string? Publications { get; set; }

    /// <summary>Shown to everyone when true, to signed-in members only otherwise.</summary>
    public bool Public { get; set; } = true;

    /// <summary>True for the invented people of the bundled sample data.</summary>
    public bool Sample { get; set; }

    public int? OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }
}

/// <summary>A university, institute, company, investor or government body.</summary>
public sealed class Organisation
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public OrganisationKind Kind { get; set; }

    public required string City { get; set; }

    public required string Country { get; set; }

    public string Offers { get; set; } = string.Empty;

    public string Seeks { get; set; } = string.Empty;

    public bool Sample { get; set; }

    public List<Person> Members { get; } = [];
}

/// <summary>A project of the network, with its partners.</summary>
public sealed class Project
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public required string Summary { get; set; }

    public Pillar Pillar { get; set; }

    /// <summary>planned, running or finished.</summary>
    public string Status { get; set; } = "running";

    /// <summary>What the project has produced, one per line: papers, software, devices, links.</summary>
    public string Outputs { get; set; } = string.Empty;

    public bool Sample { get; set; }

    public List<Organisation> Partners { get; } = [];
}

/// <summary>An account. Its public face is the linked <see cref="Person"/> profile.</summary>
public sealed class HubUser : Microsoft.AspNetCore.Identity.IdentityUser
{
    public int? PersonId { get; set; }

    public Person? Person { get; set; }
}

/// <summary>The hub's roles. Every account is a member; organisation admins are per organisation (<see cref="OrganisationAdmin"/>).</summary>
public static class HubRoles
{
    public const string NetworkAdmin = "network-admin";
}

/// <summary>An account that administers an organisation's page and offers.</summary>
public sealed class OrganisationAdmin
{
    public int OrganisationId { get; set; }

    public required string UserId { get; set; }
}

/// <summary>What a matchmaking post is about.</summary>
public enum OfferKind
{
    TechnologyOffer,
    PartnerWanted,
    InvestmentSought,
}

/// <summary>Where a post is in its review: drafts and submissions are seen by their author and the network admins only.</summary>
public enum OfferState
{
    Draft,
    Submitted,
    Published,
    Rejected,
}

/// <summary>A matchmaking post: a technology offer, a request for an R&amp;D partner or for investment.</summary>
public sealed class Offer
{
    /// <summary>How long a published post stays up unless its author renews it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    public int Id { get; set; }

    public OfferKind Kind { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public Pillar Pillar { get; set; }

    public required string OwnerId { get; set; }

    public int? OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public OfferState State { get; set; }

    /// <summary>UTC, as every time the hub stores (SQLite compares them as text, PostgreSQL as timestamptz).</summary>
    public DateTime CreatedAt { get; set; }

    public DateTime? PublishedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }

    /// <summary>The reviewer's reason when a post is sent back.</summary>
    public string? ReviewNote { get; set; }

    public bool IsLive(DateTime now) => State == OfferState.Published && ExpiresAt > now;
}

/// <summary>Where an expression of interest stands: contact details are shared only once the post's author accepts.</summary>
public enum InterestState
{
    Pending,
    Accepted,
    Declined,
}

/// <summary>Somebody's interest in an offer. The two sides see each other's e-mail only after acceptance.</summary>
public sealed class Interest
{
    public int Id { get; set; }

    public int OfferId { get; set; }

    public Offer? Offer { get; set; }

    public required string FromUserId { get; set; }

    public required string Message { get; set; }

    public InterestState State { get; set; }

    /// <summary>UTC, as every time the hub stores (SQLite compares them as text, PostgreSQL as timestamptz).</summary>
    public DateTime CreatedAt { get; set; }
}

/// <summary>One submitted answer to an exercise: a learner's progress is the set of exercises with a passed attempt.</summary>
public sealed class ExerciseAttempt
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string Course { get; set; }

    public required string Exercise { get; set; }

    public bool Passed { get; set; }

    /// <summary>What was submitted (an OpenQASM program or a number), kept so the learner can come back to it.</summary>
    public required string Answer { get; set; }

    public DateTime At { get; set; }
}

/// <summary>Where a background job is.</summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// Long work run in a worker process: its input and result as JSON, progress written by the worker, private to its
/// owner unless shared. The queue is this table, so it survives a restart.
/// </summary>
public sealed class Job
{
    public long Id { get; set; }

    public required string OwnerId { get; set; }

    /// <summary>circuit or probe (<see cref="Jobs.JobKinds"/>).</summary>
    public required string Kind { get; set; }

    public required string Input { get; set; }

    public string? Result { get; set; }

    public JobState State { get; set; }

    /// <summary>Fraction done, 0 to 1, as the worker last reported it.</summary>
    public double Progress { get; set; }

    /// <summary>Why a job failed or was stopped, in words for its owner.</summary>
    public string? Message { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Readable by anyone with the link when true.</summary>
    public bool Shared { get; set; }

    /// <summary>The hub node running it, so a restarting node takes back only its own jobs.</summary>
    public string? Node { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}

/// <summary>A workshop, school or conference of the network. Times are UTC; pages show them in Vietnam's time (UTC+7).</summary>
public sealed class HubEvent
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public required string Location { get; set; }

    public DateTime StartsAt { get; set; }

    public DateTime EndsAt { get; set; }

    /// <summary>Places; null when registration is open to all.</summary>
    public int? Capacity { get; set; }

    /// <summary>When it was last changed (iCalendar's DTSTAMP).</summary>
    public DateTime UpdatedAt { get; set; }

    public int? OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public bool Sample { get; set; }
}

/// <summary>A member's place at an event.</summary>
public sealed class Registration
{
    public int EventId { get; set; }

    public required string UserId { get; set; }

    public DateTime At { get; set; }
}

/// <summary>Where a cooperation agreement is: drafted by one party, proposed (its text frozen and signed by the proposer), signed by the other.</summary>
public enum AgreementState
{
    Draft,
    Proposed,
    Signed,
    Withdrawn,
}

/// <summary>
/// A cooperation agreement between two organisations, confidential to their admins and the network admins. Every
/// change is a row of <see cref="AgreementEntry"/>; the text is frozen when proposed and its SHA-256 recorded.
/// </summary>
public sealed class Agreement
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public required string Text { get; set; }

    /// <summary>The party that drafts and proposes.</summary>
    public int ProposerId { get; set; }

    public Organisation? Proposer { get; set; }

    public int PartnerId { get; set; }

    public Organisation? Partner { get; set; }

    public AgreementState State { get; set; }

    /// <summary>SHA-256 of the text as proposed (hex), which the partner's signature covers.</summary>
    public string? TextHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<AgreementEntry> Trail { get; } = [];
}

/// <summary>One line of an agreement's audit trail: who did what, when. Rows are only ever added.</summary>
public sealed class AgreementEntry
{
    public long Id { get; set; }

    public int AgreementId { get; set; }

    public required string UserId { get; set; }

    public required string UserEmail { get; set; }

    public required string Action { get; set; }

    public string? Detail { get; set; }

    public DateTime At { get; set; }
}

/// <summary>A member asking to join an organisation; its admins approve (the profile then shows the organisation) or decline.</summary>
public sealed class MembershipRequest
{
    public int PersonId { get; set; }

    public Person? Person { get; set; }

    public int OrganisationId { get; set; }

    public DateTime At { get; set; }
}

/// <summary>What happened to a member's post or interest, as the notices page and the e-mail name it.</summary>
public enum NoticeKind
{
    /// <summary>Somebody expressed interest in the member's post.</summary>
    InterestReceived,

    /// <summary>A network admin published the member's post.</summary>
    PostPublished,

    /// <summary>A network admin sent the member's post back, with a reason.</summary>
    PostSentBack,

    /// <summary>A post's author accepted the member's interest: each now sees the other's e-mail.</summary>
    InterestAccepted,
}

/// <summary>
/// One notice for one member. Only the kind and the post are stored; the words are chosen when it is shown, in the
/// reader's language, so a notice made by an admin's request in English reads in Vietnamese to a Vietnamese reader.
/// </summary>
public sealed class Notice
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public NoticeKind Kind { get; set; }

    public int OfferId { get; set; }

    public Offer? Offer { get; set; }

    /// <summary>UTC, as every time the hub stores.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When the member first saw it on the notices page; null while unread.</summary>
    public DateTime? ReadAt { get; set; }
}

/// <summary>A member who asked for notices in the hub only, not by e-mail (a table of its own: the account rows stay as the first migration made them).</summary>
public sealed class NoticeMailOptOut
{
    public required string UserId { get; set; }

    public DateTime Since { get; set; }
}
