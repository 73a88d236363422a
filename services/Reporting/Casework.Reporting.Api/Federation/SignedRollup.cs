using System.Text.Json;

namespace Casework.Reporting.Federation;

/// <summary>
/// A rollup as sent: the region, the canonical rollup bytes exactly as signed (base64, so no JSON re-encoding
/// can change them on the way) and an ECDSA P-256 / SHA-256 signature over those bytes in DER form, the form
/// <c>openssl dgst -sha256 -verify region.pub.pem -signature rollup.sig rollup.json</c> checks.
/// </summary>
public sealed record SignedRollup(string RegionId, byte[] Payload, byte[] Signature)
{
    public const string Algorithm = "ES256-DER";

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("regionId", RegionId);
            w.WriteString("algorithm", Algorithm);
            w.WriteBase64String("payload", Payload);
            w.WriteBase64String("signature", Signature);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads an envelope; anything else is a <see cref="FormatException"/>.</summary>
    public static SignedRollup FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.GetProperty("algorithm").GetString() != Algorithm)
                throw new FormatException($"Only {Algorithm} signatures are accepted.");
            return new SignedRollup(
                root.GetProperty("regionId").GetString() ?? throw new FormatException("No regionId."),
                root.GetProperty("payload").GetBytesFromBase64(),
                root.GetProperty("signature").GetBytesFromBase64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"The signed rollup is malformed: {e.Message}", e);
        }
    }
}
