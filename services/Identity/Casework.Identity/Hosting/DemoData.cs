namespace Casework.Identity.Hosting;

// The parts of deploy/local/demo-data.json the identity server seeds (read by the DemoData building block).

public sealed record DemoUser(string Id, string UserName, string DisplayName, string? Email, string Password, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Teams);

public sealed record DemoPartner(string ClientId, string DisplayName, string Secret);

public sealed record DemoStaffClient(string ClientId, string DisplayName, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? PostLogoutRedirectUris);
