using Casework.Reporting;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(ReportingService.Description);
builder.AddReportingService();

var app = builder.Build();
app.UseDomainService(ReportingService.Description);
app.MapReportingService();
app.Run();

public partial class Program;
