using Casework.Assignment;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(AssignmentService.Name);
builder.AddAssignmentService();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapAssignmentService();
app.Run();

public partial class Program;
