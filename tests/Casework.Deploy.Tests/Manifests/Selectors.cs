using System.Text.Json.Nodes;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>Kubernetes label selectors (matchLabels and matchExpressions, or a Service's plain map).</summary>
public static class Selectors
{
    /// <summary>A LabelSelector: every matchLabels pair and every expression holds. An empty selector selects everything.</summary>
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject selectorObject)
        {
            return false;
        }
        var matchLabels = selectorObject["matchLabels"]?.AsObject() ?? [];
        if (!MatchesMap(matchLabels, labels))
        {
            return false;
        }
        foreach (var expression in selectorObject["matchExpressions"]?.AsArray() ?? [])
        {
            var key = (string)expression!["key"]!;
            var values = expression["values"]?.AsArray().Select(v => (string?)v).ToList() ?? [];
            var has = labels.TryGetValue(key, out var value);
            var holds = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw new InvalidOperationException($"Unknown selector operator {other}"),
            };
            if (!holds)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A Service's selector (a plain map); an empty one selects nothing (endpoints are managed by hand).</summary>
    public static bool MatchesServiceSelector(JsonNode? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is JsonObject { Count: > 0 } map && MatchesMap(map, labels);

    private static bool MatchesMap(JsonObject map, IReadOnlyDictionary<string, string> labels) =>
        map.All(pair => labels.TryGetValue(pair.Key, out var value) && value == (string?)pair.Value);
}
