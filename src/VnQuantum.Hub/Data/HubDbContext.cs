using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace VnQuantum.Hub.Data;

/// <summary>
/// The hub's database with its accounts: SQLite by default (a file under the content root), PostgreSQL for multi-node.
/// One model; each provider has its own subclass so that it can carry its own migrations (Data/Migrations/…).
/// </summary>
public abstract class HubDbContext(DbContextOptions options) : IdentityDbContext<HubUser, IdentityRole, string>(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<OrganisationAdmin> OrganisationAdmins => Set<OrganisationAdmin>();

    public DbSet<Offer> Offers => Set<Offer>();

    public DbSet<Interest> Interests => Set<Interest>();

    public DbSet<ExerciseAttempt> ExerciseAttempts => Set<ExerciseAttempt>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<HubEvent> Events => Set<HubEvent>();

    public DbSet<Registration> Registrations => Set<Registration>();

    public DbSet<Agreement> Agreements => Set<Agreement>();

    public DbSet<MembershipRequest> MembershipRequests => Set<MembershipRequest>();

    public DbSet<AgreementEntry> AgreementEntries => Set<AgreementEntry>();

    public DbSet<Notice> Notices => Set<Notice>();

    public DbSet<NoticeMailOptOut> NoticeMailOptOuts => Set<NoticeMailOptOut>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Person>().HasIndex(p => p.Orcid).IsUnique();
        modelBuilder.Entity<Person>().HasOne(p => p.Organisation).WithMany(o => o.Members).HasForeignKey(p => p.OrganisationId);
        modelBuilder.Entity<Project>().HasMany(p => p.Partners).WithMany();
        modelBuilder.Entity<HubUser>().HasOne(u => u.Person).WithOne().HasForeignKey<HubUser>(u => u.PersonId);
        modelBuilder.Entity<OrganisationAdmin>().HasKey(a => new { a.OrganisationId, a.UserId });
        modelBuilder.Entity<Offer>().HasIndex(o => new { o.State, o.ExpiresAt });
        modelBuilder.Entity<Offer>().HasIndex(o => o.OwnerId);
        modelBuilder.Entity<Interest>().HasIndex(i => new { i.OfferId, i.FromUserId }).IsUnique();
        modelBuilder.Entity<Notice>().HasIndex(n => new { n.UserId, n.ReadAt });
        modelBuilder.Entity<Notice>().HasOne(n => n.Offer).WithMany().HasForeignKey(n => n.OfferId);
        modelBuilder.Entity<NoticeMailOptOut>().HasKey(o => o.UserId);
        modelBuilder.Entity<ExerciseAttempt>().HasIndex(a => new { a.UserId, a.Course, a.Exercise });
        modelBuilder.Entity<Job>().HasIndex(j => new { j.State, j.CreatedAt });
        modelBuilder.Entity<Job>().HasIndex(j => j.OwnerId);
        modelBuilder.Entity<HubEvent>().HasIndex(e => e.StartsAt);
        modelBuilder.Entity<Registration>().HasKey(r => new { r.EventId, r.UserId });
        modelBuilder.Entity<MembershipRequest>().HasKey(r => r.PersonId);
        modelBuilder.Entity<MembershipRequest>().HasOne(r => r.Person).WithMany().HasForeignKey(r => r.PersonId);
        modelBuilder.Entity<MembershipRequest>().HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId);
        modelBuilder.Entity<Agreement>().HasOne(a => a.Proposer).WithMany().HasForeignKey(a => a.ProposerId).OnDelete(DeleteBehavior.Restrict);
        modelBuilder.Entity<Agreement>().HasOne(a => a.Partner).WithMany().HasForeignKey(a => a.PartnerId).OnDelete(DeleteBehavior.Restrict);
        modelBuilder.Entity<Agreement>().HasMany(a => a.Trail).WithOne().HasForeignKey(e => e.AgreementId);
    }
}

/// <summary>The hub's database on SQLite, with the SQLite migrations.</summary>
public sealed class SqliteHubDbContext(DbContextOptions<SqliteHubDbContext> options) : HubDbContext(options);

/// <summary>The hub's database on PostgreSQL, with the PostgreSQL migrations.</summary>
public sealed class PostgresHubDbContext(DbContextOptions<PostgresHubDbContext> options) : HubDbContext(options);
