using Casework.Identity.Data;
using Casework.Identity.Hosting;
using Casework.Identity.Security;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Identity;

public static class Extensions
{
    public const string StoreConnectionName = "Store";

    /// <summary>
    /// The identity server: its store (EF Core on PostgreSQL), ASP.NET Core Identity for staff, the OpenIddict
    /// server, the login cookie, keys, start-up seeding and the readiness check. Settings are read when the
    /// services are first resolved (not here), so hosts and tests can supply configuration late.
    /// </summary>
    public static WebApplicationBuilder AddIdentityService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<IdentitySettings>()
            .BindConfiguration(IdentitySettings.Section)
            .Validate(settings => IdentitySettings.TryParseIssuer(settings.Issuer, out _),
                "Identity:Issuer must be set to the absolute public base URI of the identity server, e.g. http://127.0.0.1:5000/.")
            .Validate(settings => !string.IsNullOrWhiteSpace(settings.Region), "Identity:Region must not be empty.")
            .ValidateOnStart();

        services.AddDbContext<IdentityDb>((provider, options) =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString(StoreConnectionName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("ConnectionStrings:Store (the identity PostgreSQL database) is not set.");
            }
            // Bounded pool, prepared statements: the same settings as every service's document store.
            options.UseNpgsql(Casework.Persistence.Postgres.PostgresConnectionStrings.Tuned(
                connectionString, provider.GetRequiredService<IConfiguration>().GetValue<int?>("Store:MaxPoolSize")));
            options.UseOpenIddict();
        });
        // Hosted services start in registration order: the schema first, before Data Protection's own
        // start-up loads its key ring from it (otherwise a first start logs errors reading a missing table).
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdentitySchema>();
        services.AddHostedService(provider => provider.GetRequiredService<IdentitySchema>());
        services.AddSingleton<IMigrationStep>(provider => provider.GetRequiredService<IdentitySchema>());

        services.AddIdentity<CaseworkUser, IdentityRole>(options =>
            {
                // The cookie principal uses the same claim names as the tokens.
                options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                options.ClaimsIdentity.UserNameClaimType = Claims.Name;
                options.ClaimsIdentity.RoleClaimType = Claims.Role;
                options.ClaimsIdentity.EmailClaimType = Claims.Email;
                options.Password.RequiredLength = 12;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = false;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<IdentityDb>()
            .AddDefaultTokenProviders();

        // The login and antiforgery cookies must stay readable across restarts and replicas: keep the Data
        // Protection key ring in the identity database (the database is the protection at rest).
        services.AddDataProtection()
            .SetApplicationName("casework-identity")
            .PersistKeysToDbContext<IdentityDb>();

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "casework.identity";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/login";
            options.ReturnUrlParameter = "ReturnUrl";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = RedirectToLoginRelative;
        });

        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "casework.antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = Apis.AccountEndpoints.AntiforgeryField;
        });

        services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo");

                options.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();

                options.RegisterScopes(CaseworkScopes.All);

                // Plain JWT access tokens, so every service validates them with the standard JwtBearer handler.
                options.DisableAccessTokenEncryption();
                options.SetAccessTokenLifetime(TimeSpan.FromMinutes(15));

                // The discovery document lists its endpoints under the configured issuer (the gateway), not
                // under whatever host the request reached, so it is the same through the gateway and direct.
                options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.Options.Issuer is { } issuer)
                        {
                            context.BaseUri = issuer;
                        }
                        return ValueTask.CompletedTask;
                    })
                    .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom));

                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough();
            });

        // Issuer, keys and the HTTPS requirement come from configuration when the options are first built.
        services.AddSingleton<IdentityKeyRing>();
        services.AddOptions<OpenIddictServerOptions>()
            .Configure<IOptions<IdentitySettings>, IdentityKeyRing>((options, settings, keys) =>
            {
                options.Issuer = settings.Value.IssuerUri;
                options.SigningCredentials.Add(new SigningCredentials(keys.SigningKey, SecurityAlgorithms.RsaSha256));
                options.EncryptionCredentials.Add(new EncryptingCredentials(
                    keys.EncryptionKey, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            });
        services.AddOptions<OpenIddictServerAspNetCoreOptions>()
            .Configure<IOptions<IdentitySettings>>((options, settings) =>
            {
                // Same as UseAspNetCore().DisableTransportSecurityRequirement(), decided by the issuer's scheme
                // (a plain-HTTP issuer only makes sense on a developer machine), never by the environment name.
                if (settings.Value.AllowsPlainHttp)
                {
                    options.DisableTransportSecurityRequirement = true;
                }
            });

        services.AddScoped<TokenIdentities>();
        services.AddSingleton<StartupState>();
        services.AddHostedService<IdentityStartup>();
        // After the schema exists; hosted services start in order, all before the server listens.
        builder.AddDemoDataSeeder<DemoSeeder>();
        services.AddHostedService<TokenPruning>();
        services.AddHealthChecks().AddCheck<IdentityStoreHealthCheck>("identity-store", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Sends the browser to the login page with a relative Location, so it stays on the host it came
    /// through (the gateway) whatever Host header reached this service.
    /// </summary>
    private static Task RedirectToLoginRelative(RedirectContext<CookieAuthenticationOptions> context)
    {
        var request = context.Request;
        var returnUrl = context.Properties.RedirectUri ?? (request.PathBase + request.Path + request.QueryString).ToString();
        context.Response.Redirect(request.PathBase + context.Options.LoginPath + QueryString.Create(context.Options.ReturnUrlParameter, returnUrl));
        return Task.CompletedTask;
    }
}
