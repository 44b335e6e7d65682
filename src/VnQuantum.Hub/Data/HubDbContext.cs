using Microsoft.EntityFrameworkCore;

namespace VnQuantum.Hub.Data;

/// <summary>The hub's database: SQLite by default (a file under the content root), PostgreSQL for multi-node.</summary>
public sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Project> Projects => Set<Project>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>().HasIndex(p => p.Orcid).IsUnique();
        modelBuilder.Entity<Person>().HasOne(p => p.Organisation).WithMany(o => o.Members).HasForeignKey(p => p.OrganisationId);
        modelBuilder.Entity<Project>().HasMany(p => p.Partners).WithMany();
    }
}
