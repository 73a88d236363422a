using Casework.Reporting;
using Casework.Persistence;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(ReportingService.Description);
builder.AddReportingService();

var app = builder.Build();
if ((await app.RunStoreCommandAsync(args) ?? await app.RunCommandAsync(args)) is { } exitCode)
{
    return exitCode;
}
app.UseDomainService(ReportingService.Description);
app.MapReportingService();
app.Run();
return 0;

public partial class Program;
