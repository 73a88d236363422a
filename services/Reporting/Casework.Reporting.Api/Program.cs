using Casework.Reporting;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(ReportingService.Name);
builder.AddReportingService();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapReportingService();
app.Run();

public partial class Program;
