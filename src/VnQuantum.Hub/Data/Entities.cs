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

    public bool Sample { get; set; }

    public List<Organisation> Partners { get; } = [];
}
