using Casework.Identity;
using Casework.Identity.Apis;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentityService();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
app.MapDefaultEndpoints();
app.MapConnectEndpoints();
app.MapAccountEndpoints();
app.Run();

public partial class Program;
