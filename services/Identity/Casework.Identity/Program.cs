using Casework.Identity;
using Casework.Identity.Apis;
using Casework.Identity.Hosting;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentityService();

var app = builder.Build();
if (await app.RunVerbAsync(args) is { } exitCode)
{
    return exitCode;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.MapDefaultEndpoints();
app.MapConnectEndpoints();
app.MapAccountEndpoints();
await app.RunAsync();
return 0;

public partial class Program;
