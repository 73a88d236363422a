using Casework.Persistence;

namespace Casework.Intake.Domain;

/// <summary>People stored before their search and sound-alike keys existed get them (saving computes them), so every search and duplicate check finds them.</summary>
public sealed class PersonKeysUpgrade : IDocumentUpgrade<Person>
{
    public string MarkerField => "familyNamePhonetic";

    public Task<Person> UpgradeAsync(Person person, IDocumentSession session, CancellationToken cancellationToken) => Task.FromResult(person);
}
