using Casework.Notes.Domain;
using Casework.ServiceDefaults;

namespace Casework.Notes.Tests;

/// <summary>The note rules without a store or a host: who reads, amendments, templates, validation, legacy notes.</summary>
public sealed class NoteRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly NoteAccess Access = new(["manager"]);
    private static readonly NoteCase HousingCase = new("housing", "worker-1");

    private static CaseNote Note(bool restricted = true, string author = "author-1") =>
        new(Guid.NewGuid(), Guid.NewGuid(), "housing", NoteTypes.Observation, Now, Now, null, [], "Said a risk at home.", "Said a risk at home.", [],
            restricted, restricted ? RestrictionReasons.Health : null, author, author + " name", [], null);

    private static Viewer As(string id, string role, params string[] teams) => new(id, [role], teams);

    [Fact]
    public void A_restricted_note_is_readable_by_the_worker_a_team_supervisor_and_a_granted_role_only()
    {
        var note = Note();
        Assert.True(Access.MayRead(As("worker-1", "caseworker", "housing"), note, HousingCase));
        Assert.True(Access.MayRead(As("sup-1", "supervisor", "housing"), note, HousingCase));
        Assert.True(Access.MayRead(As("manager-1", "manager"), note, HousingCase));
        Assert.False(Access.MayRead(As("author-1", "caseworker", "housing"), note, HousingCase)); // writing it is no right to read it back
        Assert.True(Access.MayRead(As("worker-1", "caseworker", "housing"), Note(author: "worker-1"), HousingCase));

        Assert.False(Access.MayRead(As("colleague", "caseworker", "housing"), note, HousingCase));
        Assert.False(Access.MayRead(As("sup-2", "supervisor", "employment"), note, HousingCase));
        Assert.False(Access.MayRead(As("admin-1", "admin"), note, HousingCase)); // not granted in this region
        Assert.False(Access.MayRead(As("auditor-1", "auditor"), note, HousingCase));
        Assert.False(new NoteAccess([]).MayRead(As("manager-1", "manager"), note, HousingCase));
        Assert.False(Access.MayRead(As("colleague", "caseworker", "housing"), note, HousingCase with { AssignedWorkerId = null }));

        Assert.True(Access.MayRead(As("colleague", "caseworker", "housing"), Note(restricted: false), HousingCase));
    }

    [Fact]
    public void The_author_the_worker_and_team_leads_who_may_read_it_may_amend_a_note_and_nobody_else()
    {
        var open = Note(restricted: false);
        Assert.True(Access.MayAmend(As("author-1", "caseworker", "housing"), open, HousingCase));
        Assert.True(Access.MayAmend(As("worker-1", "caseworker", "housing"), open, HousingCase));
        Assert.True(Access.MayAmend(As("sup-1", "supervisor", "housing"), open, HousingCase));
        Assert.True(Access.MayAmend(As("admin-1", "admin"), open, HousingCase));
        Assert.False(Access.MayAmend(As("colleague", "caseworker", "housing"), open, HousingCase));
        Assert.False(Access.MayAmend(As("sup-2", "supervisor", "employment"), open, HousingCase));

        Assert.False(Access.MayAmend(As("admin-1", "admin"), Note(), HousingCase)); // an admin who may not read it
        Assert.False(Access.MayAmend(As("author-1", "caseworker", "housing"), Note(), HousingCase)); // nor its author, who may not either
        Assert.True(Access.MayAmend(As("worker-1", "caseworker", "housing"), Note(), HousingCase));
        Assert.True(Access.MayAmend(As("manager-1", "manager"), Note(), HousingCase));
    }

    [Fact]
    public void An_amendment_keeps_the_original_and_earlier_amendments()
    {
        var note = Note();
        var once = note.Amend("Said a risk at school.", "Wrong place", "author-1", "Author", Now.AddHours(1));
        var twice = once.Amend("Said a risk at school, on Monday.", "Added the day", "sup-1", "Sup", Now.AddHours(2));

        Assert.Equal("Said a risk at home.", twice.OriginalBody);
        Assert.Equal("Said a risk at school, on Monday.", twice.Body);
        Assert.Equal([1, 2], twice.Amendments.Select(a => a.Number));
        Assert.Equal(["Wrong place", "Added the day"], twice.Amendments.Select(a => a.Reason));
        Assert.Equal("sup-1", twice.Amendments[1].AmendedBy);
        Assert.Empty(note.Amendments); // the note amended is not changed
        Assert.Throws<ArgumentException>(() => note.Amend("x", " ", "a", "a", Now));
    }

    [Fact]
    public void A_template_composes_headings_and_texts_in_its_order_and_names_missing_or_unknown_sections()
    {
        var template = new NoteTemplate(Guid.NewGuid(), "housing-support", NoteTypes.Appointment, "First appointment",
            [new("situation", "Current situation", true, null), new("risks", "Risks", false, null), new("next-steps", "Next steps", true, "Who does what")],
            "admin", Now);

        var errors = new ValidationErrors();
        var body = template.Compose(new Dictionary<string, string?> { ["next-steps"] = "Call the landlord", ["situation"] = " Two months in arrears " }, errors);
        Assert.False(errors.Any);
        Assert.Equal("# Current situation\nTwo months in arrears\n\n# Next steps\nCall the landlord", body);

        var missing = new ValidationErrors();
        Assert.Null(template.Compose(new Dictionary<string, string?> { ["situation"] = "x", ["mood"] = "fine" }, missing));
        Assert.Equal(["sections.mood", "sections.next-steps"], missing.Fields.Order(StringComparer.Ordinal));

        var draft = new NoteDraft(null, null, null, null, null, null, null, null);
        var fine = new ValidationErrors();
        var filled = template.Fill(draft, new Dictionary<string, string?> { ["situation"] = "s", ["next-steps"] = "n" }, fine);
        Assert.False(fine.Any);
        Assert.Equal((NoteTypes.Appointment, "# Current situation\ns\n\n# Next steps\nn"), (filled.Type, filled.Body));
        var wrongType = new ValidationErrors();
        template.Fill(draft with { Type = NoteTypes.Plan }, new Dictionary<string, string?> { ["situation"] = "s", ["next-steps"] = "n" }, wrongType);
        Assert.Equal(["type"], wrongType.Fields);
    }

    [Fact]
    public void A_new_note_is_checked_field_by_field()
    {
        var goal = Guid.NewGuid().ToString();
        var facts = new CaseFacts([goal], OpenedAt: Now.AddDays(-10), Closed: false);
        var good = new NoteDraft(NoteTypes.HomeVisit, Now.AddDays(-1), 45, ["Client", "Sister"], "# Visit\n- **rent** paid", null, null, [goal]);
        Assert.False(NoteRules.Check(good, facts, Now).Any);
        Assert.False(NoteRules.Check(good with { OccurredAt = Now.AddMinutes(4) }, facts, Now).Any); // within the clock skew

        var bad = new NoteDraft(NoteTypes.Interaction, Now.AddHours(1), 1441, ["", new string('x', 101)], "a\u0000b", true, null, [goal, "nope"]);
        Assert.Equal(
            ["body", "durationMinutes", "goalIds[1]", "occurredAt", "present[0]", "present[1]", "restrictionReason", "type"],
            NoteRules.Check(bad, facts, Now).Fields.Order(StringComparer.Ordinal));
        Assert.Equal(["occurredAt"], NoteRules.Check(good with { OccurredAt = Now.AddDays(-11) }, facts, Now).Fields);
        Assert.False(NoteRules.Check(good with { OccurredAt = Now.AddDays(-11) }, facts with { OpenedAt = null }, Now).Any);
        Assert.Equal(["restrictionReason"], NoteRules.Check(good with { RestrictionReason = "health" }, facts, Now).Fields);
        Assert.False(NoteRules.Check(good with { Restricted = true, RestrictionReason = "health" }, facts, Now).Any);
    }

    [Fact]
    public void Closed_cases_take_only_safeguarding_notes_and_concerns_are_always_restricted()
    {
        var closed = new CaseFacts([], null, Closed: true);
        var draft = new NoteDraft(NoteTypes.PhoneCall, null, null, null, "x", null, null, null);
        Assert.False(NoteRules.AcceptsNewNote(closed, draft));
        Assert.True(NoteRules.AcceptsNewNote(closed, draft with { Type = NoteTypes.SafeguardingConcern }));
        Assert.True(NoteRules.AcceptsNewNote(closed, draft with { Restricted = true, RestrictionReason = RestrictionReasons.Safeguarding }));
        Assert.False(NoteRules.AcceptsNewNote(closed, draft with { Restricted = true, RestrictionReason = RestrictionReasons.Health }));
        Assert.True(NoteRules.AcceptsNewNote(closed with { Closed = false }, draft));
        Assert.True(NoteRules.IsRestricted(NoteTypes.SafeguardingConcern, restricted: false));
        Assert.Equal(RestrictionReasons.Safeguarding, NoteRules.ReasonFor(NoteTypes.SafeguardingConcern, null, null));
        Assert.Null(NoteRules.ReasonFor(NoteTypes.Plan, null, null));

        var concern = CaseNote.Write(Guid.NewGuid(), Guid.NewGuid(), "housing",
            new NoteDraft(NoteTypes.SafeguardingConcern, null, null, [" Client "], "Seen.", false, null, ["ABC"]), null, "w", "W", Now);
        Assert.Equal((true, "safeguarding", Now, "Seen."), (concern.Restricted, concern.RestrictionReason, concern.OccurredAt, concern.OriginalBody));
        Assert.Equal(["Client"], concern.Present);
        Assert.Equal(["abc"], concern.GoalIds);
    }

    [Fact]
    public void A_legacy_note_reads_in_the_current_shape()
    {
        var created = Now.AddYears(-1);
        var legacy = new CaseNote(Guid.NewGuid(), Guid.NewGuid(), null, NoteTypes.LegacySafeguarding, default, default, null, null!, null!, null!, null!,
            false, null, "author-1", "Author", null!, null) { LegacyText = "Old concern", LegacyCreatedAt = created };

        var current = legacy.Normalised();

        Assert.Equal(NoteTypes.SafeguardingConcern, current.Type);
        Assert.True(current.Restricted);
        Assert.Equal("Old concern", current.Body);
        Assert.Equal("Old concern", current.OriginalBody);
        Assert.Equal(created, current.OccurredAt);
        Assert.Equal(created, current.WrittenAt);
        Assert.Empty(current.Amendments);
        Assert.Null(current.LegacyText);

        var interaction = (legacy with { Type = NoteTypes.Interaction }).Normalised();
        Assert.Equal(NoteTypes.Interaction, interaction.Type);
        Assert.False(interaction.Restricted);
        Assert.DoesNotContain(NoteTypes.Interaction, NoteTypes.Accepted);
    }

    [Fact]
    public void The_case_record_keeps_the_newest_assignment_by_the_shared_ordering_rule()
    {
        var record = CaseRecord.Unknown(Guid.NewGuid()).Opened("housing", Now);
        var second = record.Assigned("w2", "housing", 2);
        Assert.False(second.TakesAssignment(1)); // the first assignment arrives late: ignored
        Assert.True(second.TakesAssignment(3));
        Assert.True(second.TakesAssignment(0)); // unnumbered: always
        Assert.Null(second.Unassigned("w2", "housing", 3)!.AssignedWorkerId);
        Assert.Null(second.Unassigned("w2", "housing", 1)); // overtaken
        Assert.Null(second.Unassigned("w1", "housing", 0)); // an unnumbered release of someone else
        Assert.Null(second.Unassigned("w2", "housing", 0)!.AssignedWorkerId);

        Assert.True(Casework.Domain.AssignmentOrder.ReleaseApplies(0, 5, "w2", null)); // a release naming nobody releases whoever it is
        Assert.False(Casework.Domain.AssignmentOrder.ReleaseApplies(0, 5, null, "w2")); // nobody to release
        Assert.Equal(5, Casework.Domain.AssignmentOrder.Latest(0, 5));
    }
}
