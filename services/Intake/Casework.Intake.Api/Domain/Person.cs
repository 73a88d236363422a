using System.Text;
using System.Text.Json.Serialization;

namespace Casework.Intake.Domain;

/// <summary>
/// Who someone is: a client record. One person may have many referrals and cases over time. Every change
/// to the details is kept in <see cref="History"/> (who, when, which fields from what to what). Duplicate
/// records are found by <see cref="PersonMatcher"/> and merged by staff (PersonMerging.cs).
/// </summary>
public sealed partial record Person(
    Guid Id,
    string GivenName,
    string FamilyName,
    DateOnly? DateOfBirth,
    string? Email,
    string? Phone,
    string? Postcode,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public string DisplayName => $"{GivenName} {FamilyName}";

    // Search keys, stored with the document so the store can index them: the same person typed
    // differently ("O'Brien" / "obrien", "020 7946 0000" / "02079460000") finds the same record.
    public string GivenNameKey => PersonKeys.Name(GivenName);
    public string FamilyNameKey => PersonKeys.Name(FamilyName);
    public string? EmailKey => PersonKeys.Email(Email);
    public string? PhoneKey => PersonKeys.Phone(Phone);
    public string? PostcodeKey => PersonKeys.Postcode(Postcode);

    // How the names sound (Metaphone), so a duplicate spelled another way is found by an indexed lookup.
    public string FamilyNamePhonetic => PersonKeys.Phonetic(FamilyName);
    public string GivenNamePhonetic => PersonKeys.Phonetic(GivenName);

    // Equality monitoring: the person's own answers (EqualityVocabulary), each optional. Staff see them; partners never do.
    public string? Gender { get; init; }
    public string? Ethnicity { get; init; }
    public string? Disability { get; init; }

    [JsonIgnore]
    public PersonDetails Details => new(GivenName, FamilyName, DateOfBirth, Email, Phone, Postcode, Gender, Ethnicity, Disability);

    /// <summary>The year of birth: the only part of the date of birth reports get (to band ages).</summary>
    [JsonIgnore]
    public int? BirthYear => DateOfBirth?.Year;

    /// <summary>The postcode district ("M1" of "M1 1AE"): the only part of the address reports get.</summary>
    [JsonIgnore]
    public string? PostcodeDistrict => PersonKeys.PostcodeDistrict(Postcode);

    /// <summary>A new record with these details.</summary>
    public static Person New(Guid id, PersonDetails details, DateTimeOffset at, string by) =>
        new Person(id, details.GivenName, details.FamilyName, details.DateOfBirth, details.Email, details.Phone, details.Postcode, at, by)
        {
            Gender = details.Gender,
            Ethnicity = details.Ethnicity,
            Disability = details.Disability,
        };

    public IReadOnlyList<PersonChange> History { get; init; } = [];

    /// <summary>The person with these details; the same instance when nothing differs (no change to record).</summary>
    public Person WithDetails(PersonDetails details, string by, DateTimeOffset at)
    {
        var changes = new List<FieldChange>();
        void Compare(string field, string? from, string? to)
        {
            if (!string.Equals(from, to, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(field, from, to));
            }
        }
        Compare("givenName", GivenName, details.GivenName);
        Compare("familyName", FamilyName, details.FamilyName);
        Compare("dateOfBirth", DateOfBirth?.ToString("O"), details.DateOfBirth?.ToString("O"));
        Compare("email", Email, details.Email);
        Compare("phone", Phone, details.Phone);
        Compare("postcode", Postcode, details.Postcode);
        Compare("gender", Gender, details.Gender);
        Compare("ethnicity", Ethnicity, details.Ethnicity);
        Compare("disability", Disability, details.Disability);
        return changes.Count == 0
            ? this
            : this with
            {
                GivenName = details.GivenName,
                FamilyName = details.FamilyName,
                DateOfBirth = details.DateOfBirth,
                Email = details.Email,
                Phone = details.Phone,
                Postcode = details.Postcode,
                Gender = details.Gender,
                Ethnicity = details.Ethnicity,
                Disability = details.Disability,
                History = [.. History, new PersonChange(at, by, changes)],
            };
    }
}

/// <summary>A person's details as staff enter them (already trimmed and validated); the equality answers are optional.</summary>
public sealed record PersonDetails(
    string GivenName, string FamilyName, DateOnly? DateOfBirth, string? Email, string? Phone, string? Postcode,
    string? Gender = null, string? Ethnicity = null, string? Disability = null);

/// <summary>One change to a person's details: when, by whom, and each field's old and new value.</summary>
public sealed record PersonChange(DateTimeOffset At, string By, IReadOnlyList<FieldChange> Changes);

public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>How details are normalised for search: the same rules for stored records and for queries.</summary>
public static partial class PersonKeys
{
    /// <summary>Lower case, accents removed, letters and digits only ("Ó'Brien-Smith" → "obriensmith").</summary>
    public static string Name(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (Folded.TryGetValue(c, out var plain))
            {
                key.Append(plain);
            }
            else if (char.IsLetterOrDigit(c))
            {
                key.Append(char.ToLowerInvariant(c));
            }
        }
        return key.ToString();
    }

    // Latin letters with accents, as their plain letters. Written out because the services run with
    // invariant globalization, where string.Normalize does not decompose accented letters.
    private static readonly Dictionary<char, string> Folded = new (string Letters, string Plain)[]
    {
        ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"), ("Ææ", "ae"), ("ÇçĆćĈĉĊċČč", "c"), ("ÐðĎďĐđ", "d"), ("ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"),
        ("ĜĝĞğĠġĢģ", "g"), ("ĤĥĦħ", "h"), ("ÌÍÎÏìíîïĨĩĪīĬĭĮįİı", "i"), ("Ĳĳ", "ij"), ("Ĵĵ", "j"), ("Ķķĸ", "k"),
        ("ĹĺĻļĽľĿŀŁł", "l"), ("ÑñŃńŅņŇňŉŊŋ", "n"), ("ÒÓÔÕÖØòóôõöøŌōŎŏŐő", "o"), ("Œœ", "oe"), ("ŔŕŖŗŘř", "r"),
        ("ŚśŜŝŞşŠšſ", "s"), ("ß", "ss"), ("ŢţŤťŦŧ", "t"), ("Þþ", "th"), ("ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų", "u"), ("Ŵŵ", "w"),
        ("ÝýÿŶŷŸ", "y"), ("ŹźŻżŽž", "z"),
    }.SelectMany(group => group.Letters.Select(letter => (letter, group.Plain))).ToDictionary(p => p.letter, p => p.Plain);

    /// <summary>
    /// How a name sounds: the Metaphone key of its folded letters ("Smyth" → "SM0"). A name without one
    /// (e.g. in another script) keeps its folded form in lower case, so it still matches itself.
    /// </summary>
    public static string Phonetic(string name)
    {
        var folded = Name(name);
        var key = Metaphone.Encode(folded);
        return key.Length > 0 ? key : folded;
    }

    public static string? Email(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    /// <summary>Digits only, a leading + kept ("+44 (20) 7946-0000" → "+442079460000").</summary>
    public static string? Phone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        return phone.TrimStart().StartsWith('+') ? "+" + digits : digits;
    }

    /// <summary>
    /// The outward code of a UK postcode ("sw1a 1aa" → "SW1A", "M1 1AE" → "M1"), also when only the outward code was given.
    /// Null for anything else (a postcode of another country, a typing error): counted as unknown, never guessed at.
    /// </summary>
    public static string? PostcodeDistrict(string? postcode) =>
        Postcode(postcode) is { } key && UkPostcode().Match(key) is { Success: true } match ? match.Groups["outward"].Value : null;

    [System.Text.RegularExpressions.GeneratedRegex("^(?<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?$")]
    private static partial System.Text.RegularExpressions.Regex UkPostcode();

    /// <summary>Upper case without spaces ("sw1a 1aa" → "SW1A1AA").</summary>
    public static string? Postcode(string? postcode) =>
        string.IsNullOrWhiteSpace(postcode) ? null : new string(postcode.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
}
