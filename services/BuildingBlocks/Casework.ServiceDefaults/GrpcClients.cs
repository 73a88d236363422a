using Casework.Persistence;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
    /// 503 with Retry-After when the other service is down, slow or has no store connection (nothing was
    /// changed), 403 when it refused the forwarded token (e.g. the token lacks that service's scope), 499 when
    /// the caller went away, and otherwise 502, logged here (the other service logs its side). Callers handle
    /// the answers that mean something to them (such as NotFound) before asking this.
    /// </summary>
    public static IResult For(RpcException exception, string service, string scope) => exception.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => new Answer(TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: $"The {service} service cannot be reached right now.",
            detail: "Nothing was changed; try again shortly."), exception, service, RetryAfter: true, Log: false),
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: $"Your token does not allow this {service} lookup.",
            detail: $"Sign in with the '{scope}' scope as well."),
        StatusCode.Cancelled => TypedResults.Problem(statusCode: 499, title: "The client closed the request."),
        _ => new Answer(TypedResults.Problem(
            statusCode: StatusCodes.Status502BadGateway,
            title: $"The {service} service failed to answer.",
            detail: "Nothing was changed here. If it persists, the operators can find the cause in the logs."), exception, service, RetryAfter: false, Log: true),
    };

    private sealed record Answer(IResult Problem, RpcException Exception, string Service, bool RetryAfter, bool Log) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (RetryAfter)
            {
                httpContext.Response.Headers.RetryAfter = "1";
            }
            if (Log)
            {
                httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GrpcCallProblems))
                    .LogError(Exception, "A gRPC call to the {Service} service failed with {Status}", Service, Exception.StatusCode);
            }
            return Problem.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>
/// A gRPC handler whose store could not be reached answers Unavailable (nothing was changed; the caller may
/// retry and tells its own client 503), instead of Unknown.
/// </summary>
internal sealed class StoreUnavailableInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (StoreUnavailableException exception)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The store is unavailable; nothing was changed.", exception));
        }
    }
}
