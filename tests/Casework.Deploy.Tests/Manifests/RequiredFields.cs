using System.Text.Json.Nodes;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>
/// Fields the API server requires that the client's models leave optional (every model property is nullable), so a
/// manifest that deserializes may still be refused at install. Returns one message per problem, naming the object.
/// </summary>
public static class RequiredFields
{
    public static IEnumerable<string> Check(Manifest manifest)
    {
        var spec = manifest.Json["spec"];
        var problems = new List<string>();
        void Require(bool present, string what)
        {
            if (!present)
            {
                problems.Add($"{manifest}: {what} is required");
            }
        }

        switch (manifest.Kind)
        {
            case "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet":
                Require(spec?["selector"] is JsonObject { Count: > 0 }, "spec.selector");
                Require(spec?["template"]?["metadata"]?["labels"] is JsonObject { Count: > 0 }, "spec.template.metadata.labels");
                break;
            case "Job":
                Require(spec?["template"]?["spec"] is JsonObject, "spec.template");
                Require((string?)spec?["template"]?["spec"]?["restartPolicy"] is "Never" or "OnFailure",
                    "spec.template.spec.restartPolicy Never or OnFailure");
                break;
            case "Pod":
                Require(spec is JsonObject, "spec");
                break;
            case "Service":
                var ports = spec?["ports"]?.AsArray() ?? [];
                Require(ports.Count > 0, "spec.ports (at least one)");
                foreach (var port in ports)
                {
                    Require(port?["port"] is JsonValue, $"spec.ports[{(string?)port?["name"]}].port");
                    Require(ports.Count == 1 || port?["name"] is JsonValue, "a name on every port of a multi-port Service");
                }
                break;
            case "PodDisruptionBudget":
                Require(spec?["selector"] is JsonObject, "spec.selector");
                Require((spec?["minAvailable"] is null) != (spec?["maxUnavailable"] is null), "exactly one of spec.minAvailable and spec.maxUnavailable");
                break;
            case "HorizontalPodAutoscaler":
                Require(spec?["scaleTargetRef"]?["kind"] is JsonValue && spec["scaleTargetRef"]?["name"] is JsonValue, "spec.scaleTargetRef kind and name");
                Require(spec?["maxReplicas"] is JsonValue, "spec.maxReplicas");
                break;
            case "NetworkPolicy":
                Require(spec?["podSelector"] is JsonObject, "spec.podSelector");
                break;
            case "Ingress":
                foreach (var path in (spec?["rules"]?.AsArray() ?? []).SelectMany(rule => rule?["http"]?["paths"]?.AsArray() ?? []))
                {
                    Require(path?["pathType"] is JsonValue, "spec.rules[].http.paths[].pathType");
                    Require(path?["backend"]?["service"]?["name"] is JsonValue && path["backend"]?["service"]?["port"] is JsonObject { Count: 1 },
                        "spec.rules[].http.paths[].backend.service name and one port (name or number)");
                }
                break;
        }

        if (manifest.Pod is { } pod)
        {
            var containers = pod.Spec["containers"]?.AsArray() ?? [];
            Require(containers.Count > 0, "at least one container");
            foreach (var container in pod.Containers)
            {
                var name = (string?)container["name"];
                Require(!string.IsNullOrEmpty(name), "a name on every container");
                Require(!string.IsNullOrEmpty((string?)container["image"]), $"container {name}: image");
                foreach (var port in container["ports"]?.AsArray() ?? [])
                {
                    Require(port?["containerPort"] is JsonValue, $"container {name}: ports[].containerPort");
                }
                foreach (var variable in container["env"]?.AsArray() ?? [])
                {
                    var variableName = (string?)variable?["name"];
                    Require(!string.IsNullOrEmpty(variableName), $"container {name}: env[].name");
                    Require(!(variable?["value"] is not null && variable["valueFrom"] is not null), $"container {name}: env {variableName} has one of value and valueFrom");
                    if (variable?["valueFrom"]?["secretKeyRef"] is { } secret)
                    {
                        Require(secret["name"] is JsonValue && secret["key"] is JsonValue, $"container {name}: env {variableName} secretKeyRef name and key");
                    }
                }
                foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                {
                    if (container[probe] is JsonObject handler)
                    {
                        var kinds = new[] { "httpGet", "tcpSocket", "exec", "grpc" }.Count(handler.ContainsKey);
                        Require(kinds == 1, $"container {name}: {probe} has exactly one handler");
                    }
                }
            }
            var names = pod.Containers.Select(c => (string?)c["name"]).ToList();
            Require(names.Distinct().Count() == names.Count, "unique container names");
        }
        return problems;
    }
}
