using Casework.Assignment;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(AssignmentService.Description);
builder.AddAssignmentService();

var app = builder.Build();
app.UseDomainService(AssignmentService.Description);
app.MapAssignmentService();
app.Run();

public partial class Program;
