using Casework.Case;
using Casework.Persistence;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(CaseService.Description);
builder.AddCaseService();

var app = builder.Build();
if (await app.RunStoreCommandAsync(args) is { } exitCode)
{
    return exitCode;
}
app.UseDomainService(CaseService.Description);
app.MapCaseService();
app.Run();
return 0;

public partial class Program;
