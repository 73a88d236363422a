using System.Text.Json;
using Casework.Domain;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Intake.Tests;

/// <summary>Duplicate detection without any server: the phonetic key, the scores and their reasons, the lookups, merging rules.</summary>
public sealed class PersonMatchingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private static Person NewPerson(string given = "Jordan", string family = "Reyes", DateOnly? dateOfBirth = null, string? email = "jordan@example.org",
        string? phone = "+44 7700 900123", string? postcode = "M1 2AB", DateTimeOffset? createdAt = null) =>
        new(Guid.NewGuid(), given, family, dateOfBirth ?? new DateOnly(1991, 3, 4), email, phone, postcode, createdAt ?? Now, "intake");

    private static PersonDetails Details(string given = "Jordan", string family = "Reyes", DateOnly? dateOfBirth = null, string? email = null,
        string? phone = null, string? postcode = null) => new(given, family, dateOfBirth, email, phone, postcode);

    // ---- the phonetic key

    [Theory]
    [InlineData("Smith", "SM0")]
    [InlineData("Smyth", "SM0")]
    [InlineData("Knight", "NT")]            // silent K, silent GH
    [InlineData("Wright", "RT")]
    [InlineData("Phillips", "FLPS")]        // PH, doubled L
    [InlineData("Filips", "FLPS")]
    [InlineData("MacDonald", "MKTNLT")]
    [InlineData("McDonald", "MKTNLT")]
    [InlineData("Catherine", "K0RN")]       // TH is "0"
    [InlineData("Kathryn", "K0RN")]         // Y before a consonant is silent
    [InlineData("Stephen", "STFN")]
    [InlineData("Steven", "STFN")]
    [InlineData("Schofield", "SKFLT")]      // SCH
    [InlineData("Church", "XRX")]           // CH
    [InlineData("Mitchell", "MXL")]         // silent T in TCH
    [InlineData("Hodges", "HJS")]           // DGE
    [InlineData("Whitehead", "WTHT")]       // leading WH, H before a vowel
    [InlineData("Xavier", "SFR")]           // leading X
    [InlineData("Plumb", "PLM")]            // final MB
    [InlineData("Ellis", "ALS")]            // any leading vowel is "A"
    [InlineData("Aeron", "ARN")]
    [InlineData("Reyes", "RYS")]
    [InlineData("Jordan", "JRTN")]
    public void Metaphone_gives_the_expected_keys(string name, string key) => Assert.Equal(key, Metaphone.Encode(name));

    [Theory]
    [InlineData("Reyes", "Reyez")]
    [InlineData("Reyes", "Reyess")]
    [InlineData("Jordan", "Jordon")]
    [InlineData("Lloyd", "Loyd")]
    [InlineData("O'Brien", "OBrian")]
    [InlineData("Siobhán", "SIOBHAN")]      // accents, case
    [InlineData("Mc Carthy", "MacCarthy")]
    public void Spellings_of_one_name_sound_alike(string a, string b) => Assert.Equal(PersonKeys.Phonetic(a), PersonKeys.Phonetic(b));

    [Theory]
    [InlineData("Reyes", "Rees")]
    [InlineData("Smith", "Smart")]
    [InlineData("Jordan", "Jodie")]
    public void Different_names_sound_different(string a, string b) => Assert.NotEqual(PersonKeys.Phonetic(a), PersonKeys.Phonetic(b));

    [Fact]
    public void A_name_without_latin_letters_keeps_its_folded_form_and_nothing_is_empty_for_a_real_name()
    {
        Assert.Equal("алексей", PersonKeys.Phonetic("Алексей"));
        Assert.Equal("", Metaphone.Encode("-'"));
        Assert.Equal("", PersonKeys.Phonetic("-'"));
    }

    // ---- scores and reasons

    [Fact]
    public void Same_names_and_date_of_birth_score_65_with_their_reasons()
    {
        var reasons = PersonMatcher.Compare(MatchProfile.Of(Details(dateOfBirth: new DateOnly(1991, 3, 4))), MatchProfile.Of(NewPerson()));

        Assert.Equal(["same family name", "same given name", "same date of birth"], reasons.Select(r => r.Description));
        Assert.Equal(65, PersonMatcher.Score(reasons));
    }

    [Fact]
    public void A_family_name_spelled_another_way_sounds_alike_and_contact_details_add_up()
    {
        var prospect = Details(family: "Reyez", given: "Jordon", dateOfBirth: new DateOnly(1991, 3, 4), email: " Jordan@Example.org",
            phone: "+44 (7700) 900-123", postcode: "m12ab");

        var reasons = PersonMatcher.Compare(MatchProfile.Of(prospect), MatchProfile.Of(NewPerson()));

        Assert.Equal(["familyName.soundsAlike", "givenName.soundsAlike", "dateOfBirth.same", "email.same", "phone.same", "postcode.same"],
            reasons.Select(r => r.Code));
        Assert.Equal(100, PersonMatcher.Score(reasons)); // 15 + 10 + 25 + 20 + 20 + 10, kept at 100
    }

    [Fact]
    public void A_different_date_of_birth_counts_against_and_a_day_and_month_swapped_counts_a_little()
    {
        var candidate = MatchProfile.Of(NewPerson(dateOfBirth: new DateOnly(1991, 3, 4)));

        var different = PersonMatcher.Compare(MatchProfile.Of(Details(dateOfBirth: new DateOnly(1992, 3, 4))), candidate);
        Assert.Equal(["familyName.same", "givenName.same", "dateOfBirth.different"], different.Select(r => r.Code));
        Assert.Equal(15, PersonMatcher.Score(different));

        var swapped = PersonMatcher.Compare(MatchProfile.Of(Details(dateOfBirth: new DateOnly(1991, 4, 3))), candidate);
        Assert.Equal(50, PersonMatcher.Score(swapped));
        Assert.Contains(PersonMatcher.DateOfBirthDayMonthSwapped, swapped);

        var nothingInCommon = PersonMatcher.Compare(MatchProfile.Of(Details(given: "Priya", family: "Okafor", dateOfBirth: new DateOnly(1970, 1, 1))), candidate);
        Assert.Equal(0, PersonMatcher.Score(nothingInCommon)); // -25 alone is kept at 0
    }

    [Fact]
    public void Unknown_details_count_neither_way_and_empty_names_never_match()
    {
        var reasons = PersonMatcher.Compare(MatchProfile.Of(Details(given: "-", family: "'")), MatchProfile.Of(NewPerson(given: "-", family: "'")));
        Assert.Empty(reasons);
    }

    // ---- finding candidates

    [Fact]
    public void Every_candidate_that_can_reach_the_threshold_is_found_by_one_of_the_indexed_lookups()
    {
        var candidate = NewPerson(dateOfBirth: new DateOnly(1991, 3, 4));
        var candidateKeys = LookupKeys(MatchProfile.Of(candidate));
        var shown = 0;
        foreach (var family in new[] { "Reyes", "Reyez", "Okafor" })
        foreach (var given in new[] { "Jordan", "Jordon", "Priya" })
        foreach (DateOnly? dateOfBirth in new DateOnly?[] { new(1991, 3, 4), new(1991, 4, 3), new(1985, 6, 7), null })
        foreach (var email in new[] { "jordan@example.org", "other@example.org", null })
        foreach (var phone in new[] { "+447700900123", "+447700900999", null })
        foreach (var postcode in new[] { "M1 2AB", "LS1 4DY", null })
        {
            var prospect = MatchProfile.Of(new PersonDetails(given, family, dateOfBirth, email, phone, postcode));
            if (PersonMatcher.Score(PersonMatcher.Compare(prospect, MatchProfile.Of(candidate))) < PersonMatcher.Threshold)
            {
                continue;
            }
            shown++;
            Assert.True(LookupKeys(prospect).Overlaps(candidateKeys), $"{given} {family} {dateOfBirth} {email} {phone} {postcode} is not looked up");
        }
        Assert.True(shown > 100, "the combinations must include many that are shown");
    }

    private static HashSet<string> LookupKeys(MatchProfile profile) =>
        PersonMatcher.Lookups(profile).Select(l => string.Join("&", l.Fields.Select(f => $"{f.Key}={f.Value}"))).ToHashSet();

    [Fact]
    public void Lookups_name_fields_the_stored_person_document_has_with_the_same_values()
    {
        var person = NewPerson(given: "Siobhán", family: "Ó'Brien");
        var document = JsonSerializer.SerializeToElement(person, DocumentJson.Options);

        var lookups = PersonMatcher.Lookups(MatchProfile.Of(person));

        Assert.Equal(4, lookups.Count);
        foreach (var (field, value) in lookups.SelectMany(l => l.Fields))
        {
            Assert.Equal(value, document.GetProperty(field).GetString());
        }
        Assert.Equal("ABRN", document.GetProperty("familyNamePhonetic").GetString());
        Assert.False(document.TryGetProperty("details", out _)); // a view of the fields, not stored twice
    }

    [Fact]
    public void A_prospect_with_names_only_is_looked_up_by_how_the_names_sound()
    {
        var lookup = Assert.Single(PersonMatcher.Lookups(MatchProfile.Of(Details(given: "Jordon", family: "Reyez"))));
        Assert.Equal([KeyValuePair.Create("familyNamePhonetic", "RYS"), KeyValuePair.Create("givenNamePhonetic", "JRTN")], lookup.Fields);
    }

    [Fact]
    public void Ranking_shows_each_candidate_once_best_first_and_leaves_out_weak_merged_distinct_and_the_subject_itself()
    {
        var distinct = NewPerson();
        var subject = NewPerson().ConfirmDistinctFrom([distinct.Id], "cw", Now, null);
        var best = NewPerson(createdAt: Now.AddYears(-2));                            // everything in common: 100
        var older = NewPerson(email: null, phone: null, createdAt: Now.AddYears(-3));  // names, birth date, postcode: 75
        var newer = NewPerson(email: null, phone: null, createdAt: Now.AddYears(-1));  // the same 75, a newer record
        var weaker = NewPerson(given: "Priya", email: null, phone: null);              // 25 + 25 + 10
        var tooWeak = NewPerson(given: "Priya", dateOfBirth: new DateOnly(1970, 1, 1), email: null, phone: null);
        var merged = NewPerson().MarkMergedInto(best.Id, "sup", Now);

        var ranked = PersonMatcher.Rank(MatchProfile.Of(subject), [subject, newer, best, older, weaker, tooWeak, merged, distinct, older], subject);

        Assert.Equal([best.Id, older.Id, newer.Id, weaker.Id], ranked.Select(m => m.Person.Id));
        Assert.Equal([100, 75, 75, 60], ranked.Select(m => m.Score));
        Assert.All(ranked, m => Assert.True(m.Score >= PersonMatcher.Threshold));
    }

    // ---- merging

    [Fact]
    public void A_merge_keeps_both_histories_and_the_duplicates_earlier_merges_and_marks_the_duplicate()
    {
        var survivor = NewPerson().WithDetails(Details(email: "j@example.org"), "cw-1", Now);
        var earlier = NewPerson(given: "Jordon");
        var duplicate = NewPerson(family: "Reyez").WithDetails(Details(family: "Reyez", phone: "0161 000 0000"), "cw-2", Now)
            .Absorb(earlier, "sup-1", Now, referralId: null, reason: "same phone");

        var merged = survivor.Absorb(duplicate, "sup-2", Now.AddHours(1), referralId: Guid.Empty, reason: "confirmed by phone");
        var marked = duplicate.MarkMergedInto(survivor.Id, "sup-2", Now.AddHours(1));

        Assert.Same(survivor.History, merged.History);
        Assert.Equal(survivor.Details, merged.Details); // the survivor's details stay as they were
        Assert.Equal([earlier.Id, duplicate.Id], merged.Merges.Select(m => m.PersonId));
        var record = merged.Merges[^1];
        Assert.Equal((duplicate.Details, "sup-2", "confirmed by phone"), (record.Details, record.By, record.Reason));
        Assert.Equal(duplicate.History, record.History);
        Assert.Equal([survivor.Id, earlier.Id, duplicate.Id], merged.KnownIds);
        Assert.Equal(survivor.Id, marked.MergedInto!.PersonId);
        Assert.Equal(survivor.Id, earlier.MarkMergedInto(duplicate.Id, "sup-1", Now).RedirectTo(survivor.Id).MergedInto!.PersonId);
    }

    [Fact]
    public void Merging_a_record_into_itself_or_a_merged_one_or_into_a_merged_one_is_refused()
    {
        var a = NewPerson();
        var b = NewPerson();
        var mergedA = a.MarkMergedInto(b.Id, "sup", Now);

        Assert.Throws<DomainRuleException>(() => a.Absorb(a, "sup", Now, null, null));
        Assert.Throws<DomainRuleException>(() => b.Absorb(mergedA, "sup", Now, null, null));
        Assert.Throws<DomainRuleException>(() => mergedA.Absorb(b, "sup", Now, null, null));
        Assert.Throws<DomainRuleException>(() => mergedA.ConfirmDistinctFrom([b.Id], "cw", Now, null));
    }

    [Fact]
    public void New_person_decisions_are_remembered_both_ways_once_and_a_merge_of_the_two_overrides_them()
    {
        var a = NewPerson();
        var b = NewPerson();
        var c = NewPerson();

        var distinct = a.ConfirmDistinctFrom([b.Id, b.Id, a.Id], "cw", Now, null);
        Assert.Equal([b.Id], distinct.DistinctFrom.Select(d => d.PersonId));
        Assert.Same(distinct, distinct.ConfirmDistinctFrom([b.Id], "cw", Now, null));
        Assert.True(Person.AreKnownDistinct(distinct, b));
        Assert.True(Person.AreKnownDistinct(b, distinct));
        Assert.False(Person.AreKnownDistinct(distinct, c));
        // b merged into c: c now carries b, so a and c are known distinct too.
        Assert.True(Person.AreKnownDistinct(distinct, c.Absorb(b, "sup", Now, null, null)));

        Assert.Empty(b.Absorb(distinct, "sup", Now, null, null).DistinctFrom);
    }
}
