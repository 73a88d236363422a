using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Notes.Apis;
using Casework.Notes.Domain;
using Casework.Persistence;

namespace Casework.Notes.Consumers;

/// <summary>Keeps <see cref="CaseRecord"/> (Notes' copy of a case's team and worker) from Case and Assignment events.</summary>
public abstract class CaseRecordConsumer<TMessage>(IDocumentStore store) : InboxConsumer<TMessage>(store) where TMessage : class
{
    protected abstract Guid CaseIdOf(TMessage message);

    /// <summary>The record after the message (or null: nothing to change).</summary>
    protected abstract CaseRecord? Apply(CaseRecord current, TMessage message);

    protected override async Task ApplyAsync(TMessage message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var caseId = CaseIdOf(message);
        var stored = await session.GetAsync<CaseRecord>(caseId.ToString(), cancellationToken);
        // Events can overtake each other: one about a case not yet known here starts its record.
        var changed = Apply(stored?.Document ?? CaseRecord.Unknown(caseId), message);
        if (changed is null || changed == stored?.Document)
        {
            return;
        }
        if (stored is null)
        {
            session.Insert(caseId.ToString(), changed);
        }
        else
        {
            session.Update(stored.Id, changed, stored.Version);
        }
        if (changed.TeamId is { } teamId && stored?.Document.TeamId is null)
        {
            // The case's notes stored before Notes knew its team (e.g. written before this version) get it now.
            await NoteTeams.StampAsync(Store, caseId, teamId, cancellationToken);
        }
    }
}

public sealed class CaseOpenedConsumer(IDocumentStore store) : CaseRecordConsumer<CaseOpened>(store)
{
    protected override Guid CaseIdOf(CaseOpened message) => message.CaseId;

    protected override CaseRecord Apply(CaseRecord current, CaseOpened message) => current.Opened(message.TeamId, message.OccurredAt);
}

public sealed class CaseAssignedConsumer(IDocumentStore store) : CaseRecordConsumer<CaseAssigned>(store)
{
    protected override Guid CaseIdOf(CaseAssigned message) => message.CaseId;

    protected override CaseRecord? Apply(CaseRecord current, CaseAssigned message) =>
        current.TakesAssignment(message.Sequence) ? current.Assigned(message.WorkerId, message.TeamId, message.Sequence) : null;
}

public sealed class CaseUnassignedConsumer(IDocumentStore store) : CaseRecordConsumer<CaseUnassigned>(store)
{
    protected override Guid CaseIdOf(CaseUnassigned message) => message.CaseId;

    protected override CaseRecord? Apply(CaseRecord current, CaseUnassigned message) =>
        current.Unassigned(message.WorkerId, message.TeamId, message.Sequence);
}
