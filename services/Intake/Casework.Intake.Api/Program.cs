using Casework.Intake;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(IntakeService.Description);
builder.AddIntakeService();

var app = builder.Build();
app.UseDomainService(IntakeService.Description);
app.MapIntakeService();
app.Run();

public partial class Program;
