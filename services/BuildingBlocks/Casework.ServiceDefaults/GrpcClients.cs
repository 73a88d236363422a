using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.ServiceDefaults;

public static class GrpcClients
{
    /// <summary>
    /// A typed gRPC client for another service at the address in configuration <paramref name="addressKey"/>.
    /// Every call forwards the end user's bearer token (the callee decides access for that user,
    /// never for the calling service) and gets a deadline unless the caller set one.
    /// </summary>
    public static IServiceCollection AddUserForwardingGrpcClient<TClient>(this IServiceCollection services, IConfiguration configuration, string addressKey)
        where TClient : ClientBase
    {
        var address = configuration[addressKey] ?? throw new InvalidOperationException($"{addressKey} is not set.");
        var deadline = TimeSpan.FromMilliseconds(configuration.GetValue("Grpc:DeadlineMs", 3000));
        services.AddHttpContextAccessor();
        services.AddGrpcClient<TClient>(options => options.Address = new Uri(address))
            .AddInterceptor(() => new DefaultDeadlineInterceptor(deadline))
            .AddCallCredentials((_, metadata, serviceProvider) =>
            {
                var authorization = serviceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers.Authorization.ToString();
                if (!string.IsNullOrEmpty(authorization))
                {
                    metadata.Add("Authorization", authorization);
                }
                return Task.CompletedTask;
            })
            // Inside the cluster the hop is plain HTTP/2; the token still has to travel.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
        return services;
    }
}

internal sealed class DefaultDeadlineInterceptor(TimeSpan deadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (context.Options.Deadline is null)
        {
            context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + deadline));
        }
        return continuation(request, context);
    }
}

/// <summary>What a caller hears when a gRPC call to another service failed for a reason it should know.</summary>
public static class GrpcCallProblems
{
    /// <summary>
    /// 503 when the other service is down or slow (nothing was changed), 403 when it refused the forwarded
    /// token (e.g. the token lacks that service's scope), 502 when it failed. Callers handle the answers
    /// that mean something to them (such as NotFound) before asking this.
    /// </summary>
    public static IResult For(RpcException exception, string service, string scope) => exception.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: $"The {service} service cannot be reached right now.",
            detail: "Nothing was changed; try again shortly."),
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: $"Your token does not allow this {service} lookup.",
            detail: $"Sign in with the '{scope}' scope as well."),
        // Anything else is the other service failing (its store, a bug): nothing was changed here.
        _ => TypedResults.Problem(
            statusCode: StatusCodes.Status502BadGateway,
            title: $"The {service} service failed to answer.",
            detail: "Nothing was changed; try again shortly. If it persists, the operators can find the cause in that service's log."),
    };
}
