using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>
/// YAML documents as JSON, typed the way the Kubernetes API server reads them (sigs.k8s.io/yaml, YAML 1.1): a plain
/// scalar is a number, boolean or null when it looks like one, a quoted or block scalar is always a string. Keeping
/// the types is what lets the strict model check tell <c>port: 8080</c> from <c>port: "8080"</c>.
/// </summary>
public static partial class YamlJson
{
    /// <summary>Every non-empty document of a multi-document YAML text (helm template output), in order.</summary>
    public static IReadOnlyList<JsonNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(document => ToJson(document.RootNode))
            .Where(node => node is not null)
            .Select(node => node!)
            .ToList();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => Mapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var json = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } text } ? text
                : throw new InvalidOperationException($"A mapping key at {key.Start} is not a scalar.");
            if (json.ContainsKey(name))
            {
                throw new InvalidOperationException($"Duplicate key '{name}' at {key.Start}.");
            }
            json[name] = ToJson(value);
        }
        return json;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (scalar.Tag.IsEmpty is false && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (Booleans.TryGetValue(text, out var boolean))
        {
            return JsonValue.Create(boolean);
        }
        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }

    // YAML 1.1 booleans, as go-yaml v2 (under sigs.k8s.io/yaml) reads them.
    private static readonly Dictionary<string, bool> Booleans = new(StringComparer.Ordinal)
    {
        ["true"] = true, ["True"] = true, ["TRUE"] = true, ["yes"] = true, ["Yes"] = true, ["YES"] = true,
        ["on"] = true, ["On"] = true, ["ON"] = true, ["y"] = true, ["Y"] = true,
        ["false"] = false, ["False"] = false, ["FALSE"] = false, ["no"] = false, ["No"] = false, ["NO"] = false,
        ["off"] = false, ["Off"] = false, ["OFF"] = false, ["n"] = false, ["N"] = false,
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
