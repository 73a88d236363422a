using Casework.Intake;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(IntakeService.Description);
builder.AddIntakeService();

var app = builder.Build();
return await app.RunDomainServiceAsync(IntakeService.Description, args, app => app.MapIntakeService());

public partial class Program;
