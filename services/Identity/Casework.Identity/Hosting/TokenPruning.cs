using OpenIddict.Abstractions;

namespace Casework.Identity.Hosting;

/// <summary>
/// OpenIddict keeps a row per issued token and authorization (for revocation and redemption checks);
/// client-credential tokens alone add one row per token. This removes expired, redeemed, revoked and
/// ad-hoc entries older than a day, every six hours. Safe on several replicas at once.
/// </summary>
public sealed class TokenPruning(IServiceScopeFactory scopeFactory, ILogger<TokenPruning> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRun, stoppingToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                await PruneAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var threshold = DateTimeOffset.UtcNow - KeepFor;
            var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
            var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
            logger.LogInformation("Pruned {Tokens} tokens and {Authorizations} authorizations", tokens, authorizations);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Next round tries again; a failed prune never stops the server.
            logger.LogWarning(exception, "Pruning old tokens failed");
        }
    }
}
