using Casework.Reporting;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(ReportingService.Description);
builder.AddReportingService();

var app = builder.Build();
return await app.RunDomainServiceAsync(ReportingService.Description, args, app => app.MapReportingService(), ReportingService.Rebuild);

public partial class Program;
