using Casework.Intake.Domain;

namespace Casework.Intake.Tests;

/// <summary>Person rules without any server: search keys and the change history.</summary>
public sealed class PersonTests
{
    [Theory]
    [InlineData("Ó'Brien-Smith", "obriensmith")]
    [InlineData("  o brien smith ", "obriensmith")]
    [InlineData("Siobhán", "siobhan")]
    [InlineData("Łukasz Żółć", "lukaszzolc")]
    [InlineData("Straße", "strasse")]
    [InlineData("Nguyễn", "nguyễn")] // beyond the Latin-1/Extended-A table: kept, lower-cased
    public void Names_match_ignoring_case_accents_spaces_and_punctuation(string name, string key) =>
        Assert.Equal(key, PersonKeys.Name(name));

    [Fact]
    public void Phones_emails_and_postcodes_match_however_they_are_typed()
    {
        Assert.Equal("+442079460000", PersonKeys.Phone("+44 (20) 7946-0000"));
        Assert.Equal("07700900123", PersonKeys.Phone("07700 900 123"));
        Assert.Null(PersonKeys.Phone("  "));
        Assert.Equal("ada@example.org", PersonKeys.Email(" Ada@Example.ORG "));
        Assert.Equal("SW1A1AA", PersonKeys.Postcode("sw1a 1aa"));
        Assert.Null(PersonKeys.Postcode(null));
    }

    [Fact]
    public void Changing_details_records_each_changed_field_and_an_identical_change_records_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", new DateOnly(1990, 12, 10), "ada@example.org", null, "SW1A 1AA", now, "intake");

        var changed = person.WithDetails(new PersonDetails("Ada", "King", new DateOnly(1990, 12, 10), "ada@example.org", "020 7946 0000", "SW1A 1AA"), "worker-1", now);

        var change = Assert.Single(changed.History);
        Assert.Equal("worker-1", change.By);
        Assert.Equal([new FieldChange("familyName", "Lovelace", "King"), new FieldChange("phone", null, "020 7946 0000")], change.Changes);
        Assert.Equal("king", changed.FamilyNameKey);
        Assert.Same(changed, changed.WithDetails(new PersonDetails("Ada", "King", new DateOnly(1990, 12, 10), "ada@example.org", "020 7946 0000", "SW1A 1AA"), "worker-2", now));
    }
}
