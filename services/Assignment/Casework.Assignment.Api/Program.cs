using Casework.Assignment;
using Casework.Persistence;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(AssignmentService.Description);
builder.AddAssignmentService();

var app = builder.Build();
if (await app.RunStoreCommandAsync(args) is { } exitCode)
{
    return exitCode;
}
app.UseDomainService(AssignmentService.Description);
app.MapAssignmentService();
app.Run();
return 0;

public partial class Program;
