using Casework.Case;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(CaseService.Description);
builder.AddCaseService();

var app = builder.Build();
app.UseDomainService(CaseService.Description);
app.MapCaseService();
app.Run();

public partial class Program;
