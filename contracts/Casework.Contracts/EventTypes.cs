namespace Casework.Contracts.Events;

/// <summary>
/// Every integration event type. The outbox stores an event under its name and the relay maps the
/// name back to the type, so a type missing here cannot be published.
/// </summary>
public static class EventTypes
{
    public static readonly IReadOnlyList<Type> All =
    [
        typeof(PersonRegistered), typeof(PersonUpdated),
        typeof(PeopleMerged), typeof(PersonMatchesDismissed),
        typeof(ReferralReceived), typeof(ReferralScreeningStarted), typeof(ReferralScreeningRecorded), typeof(ReferralAccepted), typeof(ReferralDeclined), typeof(ReferralWithdrawn),
        typeof(CaseOpened), typeof(CaseStageChanged), typeof(CaseStatusChanged), typeof(ConcernLevelChanged),
        typeof(ReviewScheduled), typeof(CaseClosed), typeof(CaseReopened),
        typeof(CaseAssessed), typeof(SupportPlanChanged), typeof(CaseReviewed), typeof(PathwayPublished),
        typeof(NoteAdded), typeof(NoteAmended), typeof(NoteTemplateSaved),
        typeof(CaseAssigned), typeof(CaseUnassigned), typeof(WorkerCapacityChanged), typeof(TeamSettingsChanged),
    ];

    private static readonly Dictionary<string, Type> ByName = All.ToDictionary(t => t.Name);

    public static string NameOf(Type type) =>
        ByName.TryGetValue(type.Name, out var known) && known == type
            ? type.Name
            : throw new ArgumentException($"{type.FullName} is not a registered integration event.", nameof(type));

    public static Type? Resolve(string name) => ByName.GetValueOrDefault(name);
}
