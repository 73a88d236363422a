using Casework.Notes;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(NotesService.Description);
builder.AddNotesService();

var app = builder.Build();
return await app.RunDomainServiceAsync(NotesService.Description, args, app => app.MapNotesService());

public partial class Program;
