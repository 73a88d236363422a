using Casework.Gateway;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddGateway();

var app = builder.Build();
app.UseGateway();
app.MapDefaultEndpoints();
app.MapGateway();
app.Run();

public partial class Program;
