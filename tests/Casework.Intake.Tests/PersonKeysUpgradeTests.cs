using System.Net;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Casework.Intake.Tests;

/// <summary>People stored before their search keys existed are found by search and duplicate checks once upgraded.</summary>
[Collection(IntakeCollection.Name)]
public sealed class PersonKeysUpgradeTests(IntakeFixture fixture)
{
    [Fact]
    public async Task A_person_stored_without_search_keys_gets_them_and_is_found()
    {
        var id = Guid.NewGuid();
        var family = "Oldrecord" + Guid.NewGuid().ToString("N")[..6];
        var legacy = $$"""
            {"id":"{{id}}","givenName":"Edith","familyName":"{{family}}","dateOfBirth":"1948-05-01","email":null,"phone":null,
             "postcode":null,"createdAt":"2024-03-01T10:00:00+00:00","createdBy":"intake","history":[]}
            """;
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_people (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", id.ToString(), legacy);
        using var staff = fixture.Staff();
        using var before = await staff.GetAsync($"/api/intake/people?familyName={family}");
        Assert.Equal(0, (await before.JsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt64());

        var upgrader = new DocumentUpgrader<Person>(fixture.Store, fixture.Factory.Services.GetRequiredService<IDocumentUpgrade<Person>>(),
            NullLogger<DocumentUpgrader<Person>>.Instance);
        Assert.True(await upgrader.UpgradeAllAsync(CancellationToken.None) >= 1);

        using var after = await staff.GetAsync($"/api/intake/people?familyName={family.ToUpperInvariant()}");
        Assert.Equal(id, Assert.Single((await after.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(PersonKeys.Phonetic(family), await fixture.Database.ScalarAsync<string>(
            "SELECT data->>'familyNamePhonetic' FROM doc_people WHERE id = $1", id.ToString()));
    }
}
