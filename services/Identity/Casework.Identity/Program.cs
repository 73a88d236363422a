using Casework.Identity;
using Casework.Identity.Apis;
using Casework.Identity.Hosting;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentityService();

var app = builder.Build();
// `migrate` (the Helm chart's pre-install/pre-upgrade Job): the schema and the first key, then exit.
if (args is ["migrate"])
{
    await app.Services.GetRequiredService<IdentitySchema>().EnsureAsync(CancellationToken.None);
    Console.WriteLine("The store's schema is up to date.");
    return 0;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.MapDefaultEndpoints();
app.MapConnectEndpoints();
app.MapAccountEndpoints();
await app.RunAsync();
return 0;

public partial class Program;
