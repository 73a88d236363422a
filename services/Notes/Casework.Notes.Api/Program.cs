using Casework.Notes;
using Casework.Persistence;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(NotesService.Description);
builder.AddNotesService();

var app = builder.Build();
if (await app.RunStoreCommandAsync(args) is { } exitCode)
{
    return exitCode;
}
app.UseDomainService(NotesService.Description);
app.MapNotesService();
app.Run();
return 0;

public partial class Program;
