using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.Reporting.Tests.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Federation;

public sealed class RollupSigningTests
{
    private static readonly (string PrivateKeyPem, string PublicKeyPem) NorthWest = RegionKeys.Create();
    private static readonly (string PrivateKeyPem, string PublicKeyPem) Wales = RegionKeys.Create();
    private static readonly DateTimeOffset GeneratedAt = new(2026, 4, 2, 7, 0, 0, TimeSpan.Zero);

    private static RegionalRollup Rollup(string region = "north-west") => RegionalRollup.From(SampleReports.PublishedImpact(region), GeneratedAt);

    private static RollupVerifier Verifier(IRollupLedger? ledger = null) =>
        new(new Dictionary<string, string> { ["north-west"] = NorthWest.PublicKeyPem, ["wales"] = Wales.PublicKeyPem }, ledger);

    private static SignedRollup Sign(RegionalRollup rollup, string privateKeyPem)
    {
        using var signer = new RollupSigner(rollup.RegionId, privateKeyPem);
        return signer.Sign(rollup);
    }

    [Fact]
    public void A_signed_rollup_verifies_and_round_trips()
    {
        var rollup = Rollup();
        var envelope = Sign(rollup, NorthWest.PrivateKeyPem).ToJson();

        using var verifier = Verifier();
        var result = verifier.Verify(envelope);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal(RollupJson.Canonical(rollup), RollupJson.Canonical(result.Rollup!));
        Assert.Equal("north-west", result.Rollup!.RegionId);
        Assert.Equal(SampleReports.AsOf, result.Rollup.Report.AsOf);
        Assert.Equal(GeneratedAt, result.Rollup.GeneratedAt);
        Assert.Equal(RollupJson.ContentHash(rollup), result.ContentHash);
        // The published figures survive as published: the marker and no hidden number.
        var hostile = result.Rollup.Report.Sections[0].Rows[1];
        Assert.Equal(SampleReports.HostileName, hostile.Label);
        Assert.Equal(CellState.Suppressed, hostile.Cells[1].State);
    }

    [Fact]
    public void The_rollup_holds_no_hidden_figure()
    {
        var json = Encoding.UTF8.GetString(RollupJson.Canonical(Rollup()));
        Assert.DoesNotContain(SampleReports.HiddenComplement.ToString(), json);
        Assert.DoesNotContain("123.4", json);
        Assert.Contains("{\"suppressed\":true}", json);
    }

    [Fact]
    public void A_tampered_payload_fails_the_signature()
    {
        var signed = Sign(Rollup(), NorthWest.PrivateKeyPem);
        var text = Encoding.UTF8.GetString(signed.Payload);
        var tampered = signed with { Payload = Encoding.UTF8.GetBytes(text.Replace("{\"value\":98827}", "{\"value\":98828}")) };
        Assert.NotEqual(text, Encoding.UTF8.GetString(tampered.Payload));

        using var verifier = Verifier();
        Assert.Equal(RollupRejection.BadSignature, verifier.Verify(tampered).Rejection);
        var flipped = signed.Signature.ToArray();
        flipped[^1] ^= 1;
        Assert.Equal(RollupRejection.BadSignature, verifier.Verify(signed with { Signature = flipped }).Rejection);
    }

    [Fact]
    public void A_rollup_signed_with_another_regions_key_is_rejected()
    {
        using var verifier = Verifier();
        // Signed by Wales's key but claiming to be north-west.
        var forged = new SignedRollup("north-west", RollupJson.Canonical(Rollup()), Sign(Rollup("wales"), Wales.PrivateKeyPem).Signature);
        Assert.Equal(RollupRejection.BadSignature, verifier.Verify(forged).Rejection);

        // Wales signing a north-west payload as itself: the signature is good, the region is not.
        using var walesKey = RegionKeys.Import(Wales.PrivateKeyPem, requirePrivate: true);
        var payload = RollupJson.Canonical(Rollup());
        var crossSigned = new SignedRollup("wales", payload, walesKey.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(RollupRejection.RegionMismatch, verifier.Verify(crossSigned).Rejection);

        using var signer = new RollupSigner("wales", Wales.PrivateKeyPem);
        Assert.Throws<ArgumentException>(() => signer.Sign(Rollup()));
    }

    [Fact]
    public void An_unknown_region_is_rejected()
    {
        var (privateKey, _) = RegionKeys.Create();
        using var verifier = Verifier();
        Assert.Equal(RollupRejection.UnknownRegion, verifier.Verify(Sign(Rollup("scotland"), privateKey)).Rejection);
    }

    [Fact]
    public void An_unknown_schema_version_is_rejected_after_the_signature_is_checked()
    {
        var rollup = Rollup() with { SchemaVersion = 2 };
        using var verifier = Verifier();
        var result = verifier.Verify(Sign(rollup, NorthWest.PrivateKeyPem));
        Assert.Equal(RollupRejection.UnsupportedSchemaVersion, result.Rejection);
    }

    [Fact]
    public void A_rollup_showing_a_small_count_is_refused_when_built_and_when_received()
    {
        var leaky = new PublishedReport("t", SampleReports.Period, SampleReports.AsOf, "north-west", 5,
            [new PublishedSection("s", [new("n", "N", ColumnKind.Count)], [new PublishedRow([PublishedCell.OfValue(3)])])]);
        Assert.Throws<ArgumentException>(() => RegionalRollup.From(leaky, GeneratedAt));

        // A region whose software skipped suppression still signs validly: the national instance refuses it anyway.
        var rollup = new RegionalRollup(RegionalRollup.CurrentSchemaVersion, "north-west", GeneratedAt, leaky);
        using var verifier = Verifier();
        Assert.Equal(RollupRejection.NotSuppressed, verifier.Verify(Sign(rollup, NorthWest.PrivateKeyPem)).Rejection);
    }

    [Fact]
    public void A_rollup_whose_root_is_not_an_object_is_a_format_error_not_a_crash()
    {
        Assert.Throws<FormatException>(() => RollupJson.ReadSchemaVersion("[1, 2]"u8));
        Assert.Throws<FormatException>(() => RollupJson.ReadSchemaVersion("42"u8));
    }

    [Fact]
    public void Malformed_envelopes_are_rejected_not_thrown()
    {
        using var verifier = Verifier();
        Assert.Equal(RollupRejection.Malformed, verifier.Verify("not json"u8).Rejection);
        Assert.Equal(RollupRejection.Malformed, verifier.Verify("{\"regionId\":\"north-west\",\"algorithm\":\"RS256\",\"payload\":\"\",\"signature\":\"\"}"u8).Rejection);
        var signedGarbage = "{\"schemaVersion\":1}"u8.ToArray();
        using var key = RegionKeys.Import(NorthWest.PrivateKeyPem, requirePrivate: true);
        var signed = new SignedRollup("north-west", signedGarbage, key.SignData(signedGarbage, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(RollupRejection.Malformed, verifier.Verify(signed.ToJson()).Rejection);
    }

    [Fact]
    public void A_resend_is_accepted_as_already_ingested_and_different_figures_for_the_period_conflict()
    {
        var rollup = Rollup();
        var ledger = new Ledger { [("north-west", rollup.Period)] = RollupJson.ContentHash(rollup) };
        using var verifier = Verifier(ledger);

        // Regenerated later with the same figures: same content.
        var resent = verifier.Verify(Sign(RegionalRollup.From(rollup.Report with { AsOf = rollup.Report.AsOf.AddHours(3) }, GeneratedAt.AddDays(1)), NorthWest.PrivateKeyPem));
        Assert.True(resent.IsValid);
        Assert.True(resent.AlreadyIngested);

        var changed = RegionalRollup.From(rollup.Report with { Title = "Impact report (corrected)" }, GeneratedAt);
        Assert.Equal(RollupRejection.ConflictsWithIngested, verifier.Verify(Sign(changed, NorthWest.PrivateKeyPem)).Rejection);
    }

    [Fact]
    public void Canonical_bytes_are_the_same_under_a_culture_with_comma_decimals()
    {
        var rollup = Rollup();
        var invariant = RollupJson.Canonical(rollup);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // Invariant globalisation is on, so build a comma-decimal culture by hand.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            comma.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal("1,5", 1.5m.ToString(CultureInfo.CurrentCulture));

            Assert.Equal(invariant, RollupJson.Canonical(Rollup()));
            Assert.Contains("{\"value\":41.3}", Encoding.UTF8.GetString(invariant));
            Assert.Contains("{\"value\":-1.5}", Encoding.UTF8.GetString(invariant));
            Assert.Contains(",-1.5\r\n", CsvExport.SectionText(rollup.Report.Sections[1], 5));
            Assert.Contains(">41.3<", HtmlReport.Render(rollup.Report));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Canonical_numbers_have_one_spelling()
    {
        var report = new PublishedReport("t", SampleReports.Period, SampleReports.AsOf, "wales", 5,
            [new PublishedSection("s", [new("h", "H", ColumnKind.Hours)], [new PublishedRow([PublishedCell.OfValue(12.50m)]), new PublishedRow([PublishedCell.OfValue(12.5m)]), new PublishedRow([PublishedCell.OfValue(0.00m)])])]);
        var json = Encoding.UTF8.GetString(RollupJson.Canonical(RegionalRollup.From(report, GeneratedAt)));
        Assert.Contains("[{\"value\":12.5}]},{\"isTotal\":false,\"cells\":[{\"value\":12.5}]},{\"isTotal\":false,\"cells\":[{\"value\":0}]}", json);
    }

    [Fact]
    public void Keys_must_be_p256()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new RollupSigner("wales", p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<ArgumentException>(() => new RollupSigner("wales", Wales.PublicKeyPem));
        Assert.Throws<ArgumentException>(() => new RollupSigner("Wales!", Wales.PrivateKeyPem));
        Assert.Throws<ArgumentException>(() => new RollupVerifier(new Dictionary<string, string> { ["wales"] = "not a key" }));
    }

    private sealed class Ledger : Dictionary<(string, ReportPeriod), string>, IRollupLedger
    {
        public string? IngestedContentHash(string regionId, ReportPeriod period) => TryGetValue((regionId, period), out var hash) ? hash : null;
    }
}
