using System.Text.Json.Nodes;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>One rendered Kubernetes object: which rendering and template it came from, and its JSON.</summary>
public sealed record Manifest(string Rendering, string Source, JsonObject Json)
{
    public string ApiVersion => (string?)Json["apiVersion"] ?? "";
    public string Kind => (string?)Json["kind"] ?? "";
    public string Name => (string?)Json["metadata"]?["name"] ?? "";
    public string Namespace => (string?)Json["metadata"]?["namespace"] ?? "";

    /// <summary>How assertion messages name the object: <c>default: Deployment/casework-intake (casework/charts/intake/templates/deployment.yaml)</c>.</summary>
    public override string ToString() => $"{Rendering}: {Kind}/{Name} ({Source})";

    /// <summary>The helm hook annotation (pre-install, test, ...), or null for an ordinary object.</summary>
    public string? Hook => (string?)Json["metadata"]?["annotations"]?["helm.sh/hook"];

    /// <summary>The pod template of a workload (Deployment, Job, ...) or the spec of a bare Pod, with its labels; null for other kinds.</summary>
    public PodTemplate? Pod => Kind switch
    {
        "Pod" => new PodTemplate(this, Labels(Json), Json["spec"]!.AsObject()),
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" =>
            new PodTemplate(this, Labels(Json["spec"]!["template"]!), Json["spec"]!["template"]!["spec"]!.AsObject()),
        "CronJob" => new PodTemplate(this,
            Labels(Json["spec"]!["jobTemplate"]!["spec"]!["template"]!),
            Json["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!.AsObject()),
        _ => null,
    };

    private static IReadOnlyDictionary<string, string> Labels(JsonNode withMetadata) =>
        withMetadata["metadata"]?["labels"]?.AsObject().ToDictionary(pair => pair.Key, pair => (string?)pair.Value ?? "")
        ?? new Dictionary<string, string>();
}

/// <summary>The pods a workload runs: their labels and pod spec.</summary>
public sealed record PodTemplate(Manifest Owner, IReadOnlyDictionary<string, string> Labels, JsonObject Spec)
{
    /// <summary>Init containers then containers (ephemeral containers are never rendered).</summary>
    public IEnumerable<JsonObject> Containers =>
        (Spec["initContainers"]?.AsArray() ?? []).Concat(Spec["containers"]?.AsArray() ?? []).Select(c => c!.AsObject());

    public string Namespace => Owner.Namespace;

    public override string ToString() => Owner.ToString();
}
