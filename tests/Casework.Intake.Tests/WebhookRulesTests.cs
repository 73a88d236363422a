using System.Net;
using System.Security.Cryptography;
using System.Text;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.Intake.Webhooks;

namespace Casework.Intake.Tests;

/// <summary>Webhook rules without a store or network: signing, backoff, the delivery lifecycle and which targets are allowed.</summary>
public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    // ---- signature

    [Fact]
    public void The_signature_is_hex_hmac_sha256_of_timestamp_dot_body_keyed_with_the_secret()
    {
        const string secret = "whsec_test";
        const string body = "{\"status\":\"Accepted\"}";
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("1736154000." + body)));

        Assert.Equal("v1=" + expected, WebhookSignature.Sign(secret, 1736154000, body));
    }

    [Fact]
    public void Verification_accepts_the_signature_and_refuses_another_body_secret_or_an_old_timestamp()
    {
        const string body = "{\"status\":\"Declined\"}";
        var secret = WebhookSignature.NewSecret();
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(secret, timestamp, body);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.True(WebhookSignature.Verify(secret, timestamp.ToString(), body, signature, Now.AddSeconds(30), tolerance));
        Assert.False(WebhookSignature.Verify(secret, timestamp.ToString(), body + " ", signature, Now, tolerance));
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), timestamp.ToString(), body, signature, Now, tolerance));
        Assert.False(WebhookSignature.Verify(secret, (timestamp + 1).ToString(), body, signature, Now, tolerance));
        Assert.False(WebhookSignature.Verify(secret, timestamp.ToString(), body, signature, Now.AddMinutes(6), tolerance));
        Assert.False(WebhookSignature.Verify(secret, "yesterday", body, signature, Now, tolerance));
    }

    [Fact]
    public void Secrets_are_random_and_only_hinted_at()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();
        Assert.NotEqual(a, b);
        Assert.StartsWith("whsec_", a);
        Assert.True(a.Length >= 6 + 43, a);
        var hint = WebhookSubscription.Register("portal", new Uri("https://portal.example.org/hook"), "portal", Now) with { Secret = a };
        Assert.Equal("whsec_…" + a[^4..], hint.SecretHint);
    }

    // ---- backoff

    [Fact]
    public void Backoff_doubles_from_the_base_up_to_the_cap_with_the_second_half_random()
    {
        var policy = new WebhookRetryPolicy(6, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromSeconds(15), policy.DelayAfter(1, 0));     // half of 30 s with no jitter
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayAfter(1, 1));     // all of it with full jitter
        Assert.Equal(TimeSpan.FromSeconds(45), policy.DelayAfter(2, 0.5));   // 60 s: half + a quarter
        Assert.Equal(TimeSpan.FromSeconds(90), policy.DelayAfter(3, 0.5));   // 120 s: half + a quarter
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayAfter(5, 0));     // capped at 2 min
        Assert.Null(policy.DelayAfter(6, 0.5));                              // no attempts left
    }

    // ---- delivery lifecycle

    private static WebhookDelivery NewDelivery()
    {
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", null, null, null, null, Now, "portal");
        var referral = Referral.Receive(person, ReferralSources.Partner, "portal", null, "CA-1", "Needs help", null, ConcernLevels.Medium,
            new Consent(true, null, Now), "portal", Now);
        return WebhookDelivery.Create(Guid.NewGuid(), "portal", referral, "referral.received", "{}", Now);
    }

    [Fact]
    public void A_new_delivery_is_due_at_once_and_a_claim_hides_it_for_the_lease()
    {
        var delivery = NewDelivery();
        Assert.Equal(WebhookDeliveryStates.Pending, delivery.State);
        Assert.Equal(Now, delivery.NextAttemptAt);
        Assert.Equal("CA-1", delivery.ExternalReference);
        Assert.Equal(Now.AddMinutes(1), delivery.Claim(Now, TimeSpan.FromMinutes(1)).NextAttemptAt);
    }

    [Fact]
    public void Failed_attempts_are_retried_after_the_backoff_then_the_delivery_fails()
    {
        var policy = new WebhookRetryPolicy(3, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        var delivery = NewDelivery();

        var first = delivery.Record(new WebhookAttempt(1, Now, 500, null, 12), policy, 0);
        Assert.Equal(WebhookDeliveryStates.Pending, first.State);
        Assert.Equal(Now.AddSeconds(5), first.NextAttemptAt);

        var second = first.Record(new WebhookAttempt(2, Now.AddSeconds(5), null, "No answer within 10 s.", 10_000), policy, 0);
        Assert.Equal(Now.AddSeconds(15), second.NextAttemptAt); // 5 s + half of 20 s

        var third = second.Record(new WebhookAttempt(3, Now.AddSeconds(15), 503, null, 8), policy, 0.5);
        Assert.Equal(WebhookDeliveryStates.Failed, third.State);
        Assert.Null(third.NextAttemptAt);
        Assert.Equal(Now.AddSeconds(15), third.FinishedAt);
        Assert.Equal([500, null, 503], third.Attempts.Select(a => a.StatusCode));
        Assert.Throws<InvalidOperationException>(() => third.Claim(Now, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    public void A_2xx_answer_delivers_it(int status)
    {
        var delivered = NewDelivery().Record(new WebhookAttempt(1, Now, status, null, 3), new WebhookRetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), 0);
        Assert.Equal(WebhookDeliveryStates.Delivered, delivered.State);
        Assert.Null(delivered.NextAttemptAt);
        Assert.Equal(Now, delivered.FinishedAt);
    }

    [Theory]
    [InlineData(301)] // redirects are not followed
    [InlineData(404)]
    [InlineData(500)]
    public void Any_other_answer_is_a_failed_attempt(int status)
    {
        var retried = NewDelivery().Record(new WebhookAttempt(1, Now, status, null, 3), new WebhookRetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), 0);
        Assert.Equal(WebhookDeliveryStates.Pending, retried.State);
        Assert.NotNull(retried.NextAttemptAt);
    }

    [Fact]
    public void Holding_back_delays_a_pending_delivery_without_an_attempt_and_never_brings_one_forward()
    {
        var due = NewDelivery();
        var held = due.HoldUntil(Now.AddMinutes(2));
        Assert.Equal((Now.AddMinutes(2), 0), (held.NextAttemptAt, held.Attempts.Count));
        Assert.Same(held, held.HoldUntil(Now.AddMinutes(1)));

        var cancelled = due.Cancel("removed", Now);
        Assert.Same(cancelled, cancelled.HoldUntil(Now.AddMinutes(5)));
    }

    [Fact]
    public void Cancelling_takes_it_out_of_the_queue_with_the_reason()
    {
        var cancelled = NewDelivery().Cancel("The webhook was removed.", Now);
        Assert.Equal(WebhookDeliveryStates.Cancelled, cancelled.State);
        Assert.Null(cancelled.NextAttemptAt);
        Assert.Equal("The webhook was removed.", cancelled.Note);
    }

    // ---- targets (server-side request forgery)

    [Theory]
    [InlineData("https://portal.example.org/hooks/casework")]
    [InlineData("https://portal.example.org:8443/hooks?tenant=7")]
    [InlineData("https://93.184.215.14/hook")]
    public void Https_urls_on_public_hosts_are_allowed(string url)
    {
        Assert.Null(WebhookTargets.Refusal(url, allowInsecure: false));
    }

    [Theory]
    [InlineData("http://portal.example.org/hook")]
    [InlineData("ftp://portal.example.org/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://api.localhost/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://intranet/hook")]
    [InlineData("https://user:pass@portal.example.org/hook")]
    [InlineData("https://portal.example.org/hook#part")]
    [InlineData("/relative/hook")]
    [InlineData("not a url")]
    [InlineData("")]
    public void Other_schemes_private_addresses_and_credentials_are_refused(string url)
    {
        Assert.NotNull(WebhookTargets.Refusal(url, allowInsecure: false));
    }

    [Fact]
    public void Local_runs_and_tests_may_allow_http_on_loopback_but_never_other_schemes()
    {
        Assert.Null(WebhookTargets.Refusal("http://127.0.0.1:5099/hook", allowInsecure: true));
        Assert.NotNull(WebhookTargets.Refusal("ftp://127.0.0.1/hook", allowInsecure: true));
        Assert.NotNull(WebhookTargets.Refusal("file:///etc/passwd", allowInsecure: true));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.53", false)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.16.0.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("fc00::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void Addresses_are_public_only_outside_the_special_ranges(string address, bool expected)
    {
        Assert.Equal(expected, WebhookTargets.IsPublic(IPAddress.Parse(address)));
    }
}
