using Casework.Case;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(CaseService.Description);
builder.AddCaseService();

var app = builder.Build();
return await app.RunDomainServiceAsync(CaseService.Description, args, app => app.MapCaseService());

public partial class Program;
