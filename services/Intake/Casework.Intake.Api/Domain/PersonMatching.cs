namespace Casework.Intake.Domain;

/// <summary>The normalised details a match compares, of a stored person or of one about to be registered.</summary>
public sealed record MatchProfile(
    string FamilyNameKey,
    string GivenNameKey,
    string FamilyNamePhonetic,
    string GivenNamePhonetic,
    DateOnly? DateOfBirth,
    string? EmailKey,
    string? PhoneKey,
    string? PostcodeKey)
{
    public static MatchProfile Of(PersonDetails details) => new(
        PersonKeys.Name(details.FamilyName), PersonKeys.Name(details.GivenName),
        PersonKeys.Phonetic(details.FamilyName), PersonKeys.Phonetic(details.GivenName),
        details.DateOfBirth, PersonKeys.Email(details.Email), PersonKeys.Phone(details.Phone), PersonKeys.Postcode(details.Postcode));

    public static MatchProfile Of(Person person) => Of(person.Details);
}

/// <summary>One piece of evidence for or against two records being the same person, and the points it adds.</summary>
/// <param name="Code">Stable, for programs (e.g. "dateOfBirth.same").</param>
/// <param name="Description">For staff (e.g. "same date of birth").</param>
public sealed record MatchReason(string Code, string Description, int Points);

/// <summary>A stored person that may be the one being matched: the score (0 to 100) and the reasons behind it.</summary>
public sealed record PersonMatch(Person Person, int Score, IReadOnlyList<MatchReason> Reasons);

/// <summary>An indexed lookup that finds candidates: every field must equal its value.</summary>
public sealed record MatchLookup(IReadOnlyList<KeyValuePair<string, string>> Fields);

/// <summary>
/// Scores how likely a stored person is the same as another (or as a prospective one), from normalised names,
/// how they sound, date of birth, email, phone and postcode. Points, not a probability: agreement on a detail
/// adds its weight, a different date of birth (both known) takes points away, the total is kept within 0 to
/// 100, and only candidates scoring at least <see cref="Threshold"/> are shown. Examples: same names and date
/// of birth 65; a family name spelled differently but sounding alike, same given name, date of birth and
/// email 75; same names and postcode only 50; same names only 40 (not shown: too many people share a name).
/// </summary>
public static class PersonMatcher
{
    public const int Threshold = 50;
    public const int MaxScore = 100;

    public static readonly MatchReason SameFamilyName = new("familyName.same", "same family name", 25);
    public static readonly MatchReason FamilyNameSoundsAlike = new("familyName.soundsAlike", "family name sounds alike", 15);
    public static readonly MatchReason SameGivenName = new("givenName.same", "same given name", 15);
    public static readonly MatchReason GivenNameSoundsAlike = new("givenName.soundsAlike", "given name sounds alike", 10);
    public static readonly MatchReason SameDateOfBirth = new("dateOfBirth.same", "same date of birth", 25);
    public static readonly MatchReason DateOfBirthDayMonthSwapped = new("dateOfBirth.dayMonthSwapped", "date of birth with day and month swapped", 10);
    public static readonly MatchReason DifferentDateOfBirth = new("dateOfBirth.different", "different date of birth", -25);
    public static readonly MatchReason SameEmail = new("email.same", "same email", 20);
    public static readonly MatchReason SamePhone = new("phone.same", "same phone number", 20);
    public static readonly MatchReason SamePostcode = new("postcode.same", "same postcode", 10);

    /// <summary>At most this many candidates are read per lookup (a very common name finds many; see <see cref="Lookups"/>).</summary>
    public const int LookupLimit = 100;

    /// <summary>The evidence that <paramref name="candidate"/> is the person described by <paramref name="prospect"/>.</summary>
    public static IReadOnlyList<MatchReason> Compare(MatchProfile prospect, MatchProfile candidate)
    {
        var reasons = new List<MatchReason>();
        NameReason(prospect.FamilyNameKey, candidate.FamilyNameKey, prospect.FamilyNamePhonetic, candidate.FamilyNamePhonetic,
            SameFamilyName, FamilyNameSoundsAlike);
        NameReason(prospect.GivenNameKey, candidate.GivenNameKey, prospect.GivenNamePhonetic, candidate.GivenNamePhonetic,
            SameGivenName, GivenNameSoundsAlike);
        if (prospect.DateOfBirth is { } a && candidate.DateOfBirth is { } b)
        {
            // 04/03 for 03/04 is the usual slip between British and American forms.
            reasons.Add(a == b ? SameDateOfBirth
                : a.Year == b.Year && a.Month == b.Day && a.Day == b.Month ? DateOfBirthDayMonthSwapped
                : DifferentDateOfBirth);
        }
        Same(prospect.EmailKey, candidate.EmailKey, SameEmail);
        Same(prospect.PhoneKey, candidate.PhoneKey, SamePhone);
        Same(prospect.PostcodeKey, candidate.PostcodeKey, SamePostcode);
        return reasons;

        void NameReason(string key, string otherKey, string sound, string otherSound, MatchReason same, MatchReason alike)
        {
            if (key.Length > 0 && key == otherKey)
            {
                reasons.Add(same);
            }
            else if (sound.Length > 0 && sound == otherSound)
            {
                reasons.Add(alike);
            }
        }

        void Same(string? value, string? other, MatchReason reason)
        {
            if (value is not null && value == other)
            {
                reasons.Add(reason);
            }
        }
    }

    public static int Score(IEnumerable<MatchReason> reasons) => Math.Clamp(reasons.Sum(r => r.Points), 0, MaxScore);

    /// <summary>
    /// The indexed lookups that find every candidate able to reach the threshold: same date of birth, same
    /// email, same phone, or both names sounding alike. (With the weights above, a candidate agreeing on none
    /// of these scores at most 45; PersonMatchingTests checks that for every combination.) Each lookup is cut at
    /// <see cref="LookupLimit"/> rows: a very common name, or a phone or email many people share (a hostel's
    /// number), can leave candidates out, which then have to be found by another of their details.
    /// </summary>
    public static IReadOnlyList<MatchLookup> Lookups(MatchProfile prospect)
    {
        var lookups = new List<MatchLookup>();
        void Add(params (string Field, string? Value)[] fields)
        {
            if (fields.All(f => !string.IsNullOrEmpty(f.Value)))
            {
                lookups.Add(new MatchLookup(fields.Select(f => KeyValuePair.Create(f.Field, f.Value!)).ToList()));
            }
        }
        Add(("dateOfBirth", prospect.DateOfBirth?.ToString("O")));
        Add(("emailKey", prospect.EmailKey));
        Add(("phoneKey", prospect.PhoneKey));
        Add(("familyNamePhonetic", prospect.FamilyNamePhonetic), ("givenNamePhonetic", prospect.GivenNamePhonetic));
        return lookups;
    }

    /// <summary>
    /// The candidates worth showing, best first (then the oldest record, likely the one to keep): each found
    /// person once, scored, at or above the threshold. Never the subject itself, a record merged into another
    /// (its survivor is found on its own), or a person staff already confirmed is someone else.
    /// </summary>
    public static IReadOnlyList<PersonMatch> Rank(MatchProfile prospect, IEnumerable<Person> found, Person? subject = null) =>
        found
            .DistinctBy(p => p.Id)
            .Where(p => p.MergedInto is null && (subject is null || (!subject.KnownIds.Contains(p.Id) && !Person.AreKnownDistinct(subject, p))))
            .Select(p =>
            {
                var reasons = Compare(prospect, MatchProfile.Of(p));
                return new PersonMatch(p, Score(reasons), reasons);
            })
            .Where(m => m.Score >= Threshold)
            .OrderByDescending(m => m.Score)
            .ThenBy(m => m.Person.CreatedAt)
            .ThenBy(m => m.Person.Id)
            .ToList();
}
