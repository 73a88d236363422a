using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Casework.Identity.Data;

/// <summary>A member of staff who signs in through the login page.</summary>
public sealed class CaseworkUser : IdentityUser
{
    /// <summary>The name shown to colleagues and carried in tokens as <c>name</c>.</summary>
    public string DisplayName { get; set; } = "";
}

/// <summary>
/// The identity store: ASP.NET Core Identity's users, roles and user claims (teams) plus OpenIddict's
/// applications, authorizations, scopes and tokens (registered by <c>UseOpenIddict()</c> on the options),
/// and the Data Protection key ring that protects the login and antiforgery cookies, shared by every replica.
/// Its own PostgreSQL database; no other service reads it.
/// </summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : IdentityDbContext<CaseworkUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<CaseworkUser>().Property(user => user.DisplayName).HasMaxLength(200).IsRequired();
    }
}
