using System.Security.Cryptography;

namespace Casework.Reporting.Federation;

public enum RollupRejection
{
    Malformed,
    UnknownRegion,
    BadSignature,
    /// <summary>The signed payload names another region than the envelope (a region signing for another).</summary>
    RegionMismatch,
    UnsupportedSchemaVersion,
    /// <summary>A count under the threshold is shown as a number: the region's software or configuration is wrong; nothing of it is ingested.</summary>
    NotSuppressed,
    /// <summary>The ledger already holds a different rollup of this region for this period.</summary>
    ConflictsWithIngested,
}

/// <summary>
/// The outcome of verifying a rollup. <see cref="AlreadyIngested"/> marks a rollup whose content the ledger
/// already holds: accept it without ingesting it again, so a resend changes nothing.
/// </summary>
public sealed record RollupVerification(RegionalRollup? Rollup, string? ContentHash, RollupRejection? Rejection, string? Detail, bool AlreadyIngested = false)
{
    public bool IsValid => Rejection is null;

    internal static RollupVerification Reject(RollupRejection rejection, string detail) => new(null, null, rejection, detail);
}

/// <summary>
/// What the national instance has already ingested, by region and period (a store-backed hook: this code
/// only asks; the ingest endpoint records the hash in the same commit as the rollup).
/// </summary>
public interface IRollupLedger
{
    /// <summary>The content hash (<see cref="RollupJson.ContentHash"/>) ingested for this region and period, or null.</summary>
    string? IngestedContentHash(string regionId, Casework.Reporting.Rendering.ReportPeriod period);
}

/// <summary>
/// Verifies signed rollups against the public keys of trusted regions. Checks, in this order so nothing is
/// parsed before it is authenticated: envelope shape, region known, signature over the payload bytes, schema
/// version, payload shape, payload region = envelope region, no count under the threshold shown as a number,
/// and (with a ledger) no different content already ingested for the same region and period. A tampered payload fails the signature.
/// </summary>
public sealed class RollupVerifier : IDisposable
{
    private readonly Dictionary<string, ECDsa> _trusted = new(StringComparer.Ordinal);
    private readonly IRollupLedger? _ledger;

    /// <param name="trustedPublicKeyPems">Region id → that region's public key (PEM).</param>
    /// <param name="ledger">What is already ingested; without one the conflict check is skipped.</param>
    public RollupVerifier(IReadOnlyDictionary<string, string> trustedPublicKeyPems, IRollupLedger? ledger = null)
    {
        foreach (var (region, pem) in trustedPublicKeyPems)
        {
            if (!RegionalRollup.IsRegionId(region)) throw new ArgumentException($"'{region}' is not a region id.", nameof(trustedPublicKeyPems));
            _trusted[region] = RegionKeys.Import(pem, requirePrivate: false);
        }
        _ledger = ledger;
    }

    public RollupVerification Verify(ReadOnlySpan<byte> envelopeJson) => Verify(envelopeJson, _ledger);

    /// <summary>As <see cref="Verify(ReadOnlySpan{byte})"/> against <paramref name="ledger"/> (one verifier, a ledger read per request).</summary>
    public RollupVerification Verify(ReadOnlySpan<byte> envelopeJson, IRollupLedger? ledger)
    {
        SignedRollup signed;
        try { signed = SignedRollup.FromJson(envelopeJson); }
        catch (FormatException e) { return RollupVerification.Reject(RollupRejection.Malformed, e.Message); }
        return Verify(signed, ledger);
    }

    public RollupVerification Verify(SignedRollup signed) => Verify(signed, _ledger);

    public RollupVerification Verify(SignedRollup signed, IRollupLedger? ledger)
    {
        if (!_trusted.TryGetValue(signed.RegionId, out var key))
            return RollupVerification.Reject(RollupRejection.UnknownRegion, $"Region '{signed.RegionId}' is not trusted here.");
        if (!key.VerifyData(signed.Payload, signed.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            return RollupVerification.Reject(RollupRejection.BadSignature, "The signature does not match the content and the region's key.");

        RegionalRollup rollup;
        try
        {
            var version = RollupJson.ReadSchemaVersion(signed.Payload);
            if (version != RegionalRollup.CurrentSchemaVersion)
                return RollupVerification.Reject(RollupRejection.UnsupportedSchemaVersion, $"Schema version {version} is not supported (this instance reads {RegionalRollup.CurrentSchemaVersion}).");
            rollup = RollupJson.Parse(signed.Payload);
        }
        catch (FormatException e)
        {
            return RollupVerification.Reject(RollupRejection.Malformed, e.Message);
        }
        if (rollup.RegionId != signed.RegionId)
            return RollupVerification.Reject(RollupRejection.RegionMismatch, $"The rollup is for region '{rollup.RegionId}', signed as '{signed.RegionId}'.");

        if (RegionalRollup.UnsuppressedCount(rollup.Report) is { } problem)
            return RollupVerification.Reject(RollupRejection.NotSuppressed, problem);

        var hash = RollupJson.ContentHash(rollup);
        var ingested = ledger?.IngestedContentHash(rollup.RegionId, rollup.Period);
        if (ingested is not null && ingested != hash)
            return RollupVerification.Reject(RollupRejection.ConflictsWithIngested,
                $"A different rollup of region '{rollup.RegionId}' for this period is already ingested; remove it before ingesting a correction.");
        return new RollupVerification(rollup, hash, null, null, AlreadyIngested: ingested == hash);
    }

    public void Dispose()
    {
        foreach (var key in _trusted.Values) key.Dispose();
    }
}
