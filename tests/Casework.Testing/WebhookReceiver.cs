using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Casework.Testing;

/// <summary>One post a <see cref="WebhookReceiver"/> got, whether its signature held, and what it answered.</summary>
public sealed record ReceivedWebhook(
    DateTimeOffset At, string? DeliveryId, string? Event, string? Timestamp, string? Signature, string Body, bool SignatureValid, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A partner's webhook endpoint for tests: a real HTTP server on loopback that checks each post's
/// signature the way the README tells partners to (independently of Casework's own code), records it,
/// and can answer 500 to the first posts to make Casework retry.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The signing secret Casework returned at registration.</summary>
    public string? Secret { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Answers 500 to the next <paramref name="count"/> posts.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/casework", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks/casework");
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        string? Header(string name) => request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
        var timestamp = Header("Casework-Timestamp");
        var signature = Header("Casework-Signature");
        var valid = Secret is not null && Verify(Secret, timestamp, body, signature);
        var answer = !valid ? StatusCodes.Status401Unauthorized
            : Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status204NoContent;
        _received.Enqueue(new ReceivedWebhook(DateTimeOffset.UtcNow, Header("Casework-Delivery"), Header("Casework-Event"), timestamp, signature, body, valid, answer));
        return Results.StatusCode(answer);
    }

    /// <summary>The check the README gives partners: HMAC-SHA256 over "timestamp.body", hex, v1=; a recent timestamp.</summary>
    public static bool Verify(string secret, string? timestamp, string body, string? signature)
    {
        if (!long.TryParse(timestamp, out var seconds) || signature is null
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        var expected = Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(mac));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
