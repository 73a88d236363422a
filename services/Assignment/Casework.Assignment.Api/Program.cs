using Casework.Assignment;
using Casework.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDomainService(AssignmentService.Description);
builder.AddAssignmentService();

var app = builder.Build();
return await app.RunDomainServiceAsync(AssignmentService.Description, args, app => app.MapAssignmentService());

public partial class Program;
