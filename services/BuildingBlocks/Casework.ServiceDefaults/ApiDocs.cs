using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Casework.ServiceDefaults;

/// <summary>
/// Every service publishes its OpenAPI document and a browsable reference under its own public
/// prefix, so both are reachable through the gateway: <c>/api/{service}/openapi/v1.json</c> and
/// <c>/api/{service}/docs</c>.
/// </summary>
public static class ApiDocs
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder, string service, string title, string description)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = title, Version = "v1", Description = description };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from the Casework identity server (/connect/token).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiDocs(this WebApplication app, string service)
    {
        var documentRoute = $"/api/{service}/openapi/{{documentName}}.json";
        app.MapOpenApi(documentRoute).AllowAnonymous();
        app.MapScalarApiReference($"/api/{service}/docs", options =>
        {
            options.WithOpenApiRoutePattern(documentRoute);
            // A reference for partner and staff developers: no hosted AI chat, telemetry or vendor toolbar,
            // none of which a region's network would reach anyway.
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.Telemetry = false;
        }).AllowAnonymous();
        return app;
    }
}
