using Casework.Intake;
using Casework.Persistence;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(IntakeService.Description);
builder.AddIntakeService();

var app = builder.Build();
if (await app.RunStoreCommandAsync(args) is { } exitCode)
{
    return exitCode;
}
app.UseDomainService(IntakeService.Description);
app.MapIntakeService();
app.Run();
return 0;

public partial class Program;
