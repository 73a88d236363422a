using System.Text.Json;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.Persistence;

namespace Casework.Intake.Tests;

/// <summary>The decision deadline: working days after the day of receipt, skipping weekends and configured closures.</summary>
public sealed class DecisionSlaTests
{
    private static readonly DecisionSla FiveDays = new(5, TimeZoneInfo.Utc);

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    // 2025-01-06 is a Monday.
    [InlineData("2025-01-06", 1, "2025-01-07")] // Monday + 1 = Tuesday
    [InlineData("2025-01-06", 5, "2025-01-13")] // Monday + 5 = next Monday
    [InlineData("2025-01-10", 1, "2025-01-13")] // Friday + 1 skips the weekend
    [InlineData("2025-01-10", 5, "2025-01-17")] // Friday + 5 = next Friday
    [InlineData("2025-01-11", 1, "2025-01-13")] // from a Saturday, Monday is the first working day
    [InlineData("2025-01-12", 5, "2025-01-17")] // from a Sunday, the Friday after
    [InlineData("2025-01-06", 10, "2025-01-20")] // two whole weeks
    public void Working_days_skip_weekends(string from, int days, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), FiveDays.AddWorkingDays(DateOnly.Parse(from), days));
    }

    [Fact]
    public void Configured_non_working_dates_are_skipped_as_well()
    {
        // Christmas Day and Boxing Day 2025 fall on Thursday and Friday.
        var sla = new DecisionSla(5, TimeZoneInfo.Utc, [new DateOnly(2025, 12, 25), new DateOnly(2025, 12, 26)]);
        Assert.False(sla.IsWorkingDay(new DateOnly(2025, 12, 25)));
        Assert.False(sla.IsWorkingDay(new DateOnly(2025, 12, 27))); // a Saturday
        Assert.True(sla.IsWorkingDay(new DateOnly(2025, 12, 24)));
        // Received Tuesday 23rd: Wed 24, Mon 29, Tue 30, Wed 31, Thu 1 Jan.
        Assert.Equal(new DateOnly(2026, 1, 1), sla.AddWorkingDays(new DateOnly(2025, 12, 23), 5));
        Assert.Equal(new DateOnly(2025, 12, 29), FiveDays.AddWorkingDays(new DateOnly(2025, 12, 22), 5)); // without the closures
    }

    [Fact]
    public void A_referral_is_due_by_the_end_of_its_last_working_day_whatever_the_time_it_arrived()
    {
        var early = FiveDays.DueAt(Utc(2025, 1, 6, 0, 1));
        var late = FiveDays.DueAt(Utc(2025, 1, 6, 23, 59));
        Assert.Equal(Utc(2025, 1, 14), early); // end of Monday 13th
        Assert.Equal(early, late);
        Assert.Equal(TimeSpan.Zero, early.Offset);
        Assert.Equal(Utc(2025, 1, 18), FiveDays.DueAt(Utc(2025, 1, 11, 15))); // Saturday: end of Friday 17th
    }

    [Fact]
    public void Days_begin_and_end_in_the_regions_time_zone()
    {
        var london = new DecisionSla(1, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        // 23:30 UTC on Friday 27 June 2025 is 00:30 on Saturday in London (summer time): the first working day is Monday.
        var due = london.DueAt(Utc(2025, 6, 27, 23, 30));
        Assert.Equal(Utc(2025, 6, 30, 23), due); // end of Monday 30 June, London time (UTC+1)

        var tokyo = new DecisionSla(1, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        // 16:00 UTC Friday is 01:00 Saturday in Tokyo.
        Assert.Equal(Utc(2025, 6, 30, 15), tokyo.DueAt(Utc(2025, 6, 27, 16)));
    }

    [Fact]
    public void A_deadline_across_a_clock_change_ends_at_local_midnight()
    {
        var london = new DecisionSla(5, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        // Received Thursday 27 March 2025 (GMT); clocks go forward on Sunday 30th; due by the end of Thursday 3 April (BST).
        Assert.Equal(Utc(2025, 4, 3, 23), london.DueAt(Utc(2025, 3, 27, 12)));
    }

    [Fact]
    public void An_sla_of_no_working_days_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecisionSla(0, TimeZoneInfo.Utc));
    }

    [Fact]
    public void An_undecided_referral_is_overdue_from_its_deadline_and_a_decided_one_never()
    {
        var received = Utc(2025, 1, 6, 9);
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", null, null, null, null, received, "portal");
        var referral = Referral.Receive(person, ReferralSources.Partner, "portal", null, null, "Needs help", null, ConcernLevels.Medium,
            new Consent(true, null, received), "portal", received) with { DecisionDueAt = FiveDays.DueAt(received) };

        Assert.False(referral.IsOverdue(Utc(2025, 1, 13, 23, 59)));
        Assert.True(referral.IsOverdue(Utc(2025, 1, 14)));
        Assert.True(referral.StartScreening("worker", Utc(2025, 1, 7)).IsOverdue(Utc(2025, 1, 20)));
        Assert.False(referral.Decline("Outside our area", "worker", Utc(2025, 1, 20)).IsOverdue(Utc(2025, 1, 20)));
        Assert.False((referral with { DecisionDueAt = null }).IsOverdue(Utc(2030, 1, 1))); // from before the SLA
    }

    [Fact]
    public void Due_and_attempt_times_are_stored_in_one_sortable_utc_form()
    {
        var due = new DateTimeOffset(2025, 1, 14, 1, 0, 0, TimeSpan.FromHours(1)); // 00:00 UTC
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", null, null, null, null, due, "portal");
        var referral = Referral.Receive(person, ReferralSources.Staff, null, null, null, "Needs help", null, ConcernLevels.Medium,
            new Consent(true, null, due), "staff-1", due) with { DecisionDueAt = due };

        var json = JsonDocument.Parse(JsonSerializer.Serialize(referral, DocumentJson.Options)).RootElement;
        Assert.Equal("2025-01-14T00:00:00.0000000Z", json.GetProperty("decisionDueAt").GetString());
        Assert.Equal("2025-01-14T00:00:00.1234567Z", SortableUtc.Format(due.AddTicks(1_234_567)));
        var back = JsonSerializer.Deserialize<Referral>(json.GetRawText(), DocumentJson.Options)!;
        Assert.Equal(due, back.DecisionDueAt);

        var undated = JsonSerializer.Serialize(referral with { DecisionDueAt = null }, DocumentJson.Options);
        Assert.Null(JsonSerializer.Deserialize<Referral>(undated, DocumentJson.Options)!.DecisionDueAt);
    }

    [Fact]
    public void A_referral_stored_before_consent_details_and_deadlines_reads_with_defaults()
    {
        const string stored = """
            {"id":"0194a1b2-0000-7000-8000-000000000001","personId":"0194a1b2-0000-7000-8000-000000000002","personDisplayName":"Ada Lovelace",
             "source":"partner","partnerClientId":"portal","referringOrganisation":null,"externalReference":null,"reason":"Needs help",
             "requestedPathwayId":null,"concernLevel":"Medium","consent":{"given":true,"scope":"housing","recordedAt":"2025-01-06T09:00:00+00:00"},
             "status":"Received","receivedAt":"2025-01-06T09:00:00+00:00","history":[]}
            """;
        var referral = JsonSerializer.Deserialize<Referral>(stored, DocumentJson.Options)!;
        Assert.Equal(ConsentGivers.Person, referral.Consent.GivenBy);
        Assert.Null(referral.Consent.RecordedBy);
        Assert.Null(referral.ReferringContact);
        Assert.Null(referral.DecisionDueAt);
        Assert.False(referral.IsOverdue(DateTimeOffset.UtcNow));
    }
}

/// <summary>Settings that moved stop the start with where they went, rather than being ignored.</summary>
[Collection(IntakeCollection.Name)]
public sealed class MovedSettingTests(IntakeFixture fixture)
{
    [Fact]
    public async Task The_old_decision_time_zone_setting_stops_the_start_naming_Region_TimeZone()
    {
        await using var factory = new Casework.Testing.ServiceFactory<Program>(fixture.Database, IntakeFixture.Vhost,
            new Dictionary<string, string?> { ["Referrals:DecisionSla:TimeZone"] = "Europe/London" });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Region:TimeZone", error.ToString());
    }
}
