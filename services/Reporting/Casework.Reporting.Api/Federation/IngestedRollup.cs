using Casework.Reporting.Rendering;

namespace Casework.Reporting.Federation;

/// <summary>
/// A verified regional rollup as a national instance keeps it (collection <c>rollups</c>): one document per region and
/// period, its id being that key, so the ledger entry (region + period → content hash) and the rollup are one write and two
/// concurrent ingests of the same period cannot both insert. The envelope is kept exactly as received, so it can be
/// verified again by hand at any time.
/// </summary>
public sealed record IngestedRollup(
    string RegionId,
    string From,
    string To,
    string ContentHash,
    DateTimeOffset GeneratedAt,
    DateTimeOffset AsOf,
    int SuppressionThreshold,
    string Envelope,
    DateTimeOffset IngestedAt,
    string IngestedBy,
    int Replaced = 0)
{
    public static string IdOf(string regionId, ReportPeriod period) => $"{regionId}:{Date(period.From)}:{Date(period.To)}";

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static IngestedRollup Of(RegionalRollup rollup, string contentHash, byte[] envelope, DateTimeOffset now, string by, int replaced = 0) =>
        new(rollup.RegionId, Date(rollup.Period.From), Date(rollup.Period.To), contentHash, rollup.GeneratedAt, rollup.Report.AsOf,
            rollup.Report.SuppressionThreshold, System.Text.Encoding.UTF8.GetString(envelope), now, by, replaced);

    /// <summary>The rollup again, from the stored signed payload (it was verified before it was stored).</summary>
    public RegionalRollup Rollup() => RollupJson.Parse(SignedRollup.FromJson(System.Text.Encoding.UTF8.GetBytes(Envelope)).Payload);
}

/// <summary>The ledger over what the national store holds for one region (read before verifying, a handful of periods).</summary>
public sealed class StoredRollupLedger(IEnumerable<IngestedRollup> ingested) : IRollupLedger
{
    private readonly Dictionary<string, string> _hashes = ingested.ToDictionary(
        r => $"{r.RegionId}:{r.From}:{r.To}", r => r.ContentHash, StringComparer.Ordinal);

    public string? IngestedContentHash(string regionId, ReportPeriod period) =>
        _hashes.GetValueOrDefault(IngestedRollup.IdOf(regionId, period));
}
