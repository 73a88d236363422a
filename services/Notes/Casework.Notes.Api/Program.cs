using Casework.Notes;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(NotesService.Description);
builder.AddNotesService();

var app = builder.Build();
app.UseDomainService(NotesService.Description);
app.MapNotesService();
app.Run();

public partial class Program;
