namespace Casework.Case.Domain;

/// <summary>A named route a case follows, owned by one team of the region.</summary>
public sealed record Pathway(string Id, string Name, string TeamId, bool Active);
