{{/*
NetworkPolicies. Each component's pods deny everything in and out except the flows of ARCHITECTURE.md, which each
chart lists with the rule helpers below; DNS is always allowed out, Prometheus always in on the HTTP port.
Destinations outside the release (store, broker, a public issuer) come from global.networkPolicy.
*/}}

{{- define "casework-lib.np" -}}
{{- $g := .Values.global | default dict -}}
{{- toYaml ($g.networkPolicy | default dict) -}}
{{- end -}}

{{- define "casework-lib.networkPolicyEnabled" -}}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- if ne (toString $np.enabled) "false" }}true{{ end -}}
{{- end -}}

{{/* In from a sibling's pods: (dict "ctx" . "name" "gateway" "port" 8080), "component" (default server) optional. */}}
{{- define "casework-lib.np.fromPeer" -}}
- from:
    - podSelector:
        matchLabels:
          {{- include "casework-lib.componentSelectorLabels" (dict "ctx" .ctx "name" .name "component" .component) | nindent 10 }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end -}}

{{/* Out to a sibling's server pods: (dict "ctx" . "name" "case" "port" 8081). */}}
{{- define "casework-lib.np.toPeer" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "casework-lib.componentSelectorLabels" (dict "ctx" .ctx "name" .name) | nindent 10 }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end -}}

{{/* Prometheus scrapes /metrics from its namespace (global.monitoring.namespace, default monitoring). */}}
{{- define "casework-lib.np.monitoring" -}}
{{- $g := .Values.global | default dict -}}
{{- $m := $g.monitoring | default dict -}}
- from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $m.namespace | default "monitoring" }}
  ports:
    - port: {{ include "casework-lib.httpPort" . }}
      protocol: TCP
{{- end -}}

{{- define "casework-lib.np.dns" -}}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- $dns := $np.dns | default dict -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $dns.namespace | default "kube-system" }}
      podSelector:
        matchLabels:
          {{- toYaml ($dns.podLabels | default (dict "k8s-app" "kube-dns")) | nindent 10 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{/* Out to a destination outside the release: (dict "peers" <list of NetworkPolicyPeer> "ports" <list of ints>); no peers = any address. */}}
{{- define "casework-lib.np.toExternal" -}}
- ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .peers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Out to this component's store: the engine's port, to global.networkPolicy.<engine>.to (or the chart's store.networkPeers). */}}
{{- define "casework-lib.np.store" -}}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- $engine := include "casework-lib.storeEngine" . -}}
{{- $e := get $np $engine | default dict -}}
{{- $port := $e.port | default (ternary 27017 5432 (eq $engine "mongodb")) -}}
{{ include "casework-lib.np.toExternal" (dict "peers" (.Values.store.networkPeers | default $e.to) "ports" (list $port)) }}
{{- end -}}

{{/* Out to the broker (AMQP, global.networkPolicy.broker). */}}
{{- define "casework-lib.np.broker" -}}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- $b := $np.broker | default dict -}}
{{ include "casework-lib.np.toExternal" (dict "peers" $b.to "ports" (list ($b.port | default 5672))) }}
{{- end -}}

{{/*
Out to the token issuer for discovery and signing keys (casework-lib.env.auth): with global.publicUrl, its public
entry, global.networkPolicy.issuer: the peers `to` (e.g. the ingress controller's pods) plus an ipBlock for each of
`cidrs` (the load balancer's or proxy's addresses, when the public host name does not resolve to those pods), on
`ports`; neither set: any address. Without a public URL, the identity pods (discovery document) and the gateway's
Service (jwks_uri; for the gateway too: it checks tokens itself).
*/}}
{{- define "casework-lib.np.issuer" -}}
{{- $g := .Values.global | default dict -}}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- $issuer := $np.issuer | default dict -}}
{{- if $g.publicUrl }}
{{- $peers := list -}}
{{- range $issuer.to | default list }}{{ $peers = append $peers . }}{{ end -}}
{{- range $issuer.cidrs | default list }}{{ $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}{{ end }}
{{ include "casework-lib.np.toExternal" (dict "peers" $peers "ports" ($issuer.ports | default (list 443))) }}
{{- else }}
{{ include "casework-lib.np.toPeer" (dict "ctx" . "name" "identity" "port" (include "casework-lib.httpPort" .)) }}
{{ include "casework-lib.np.toPeer" (dict "ctx" . "name" "gateway" "port" (include "casework-lib.httpPort" .)) }}
{{- end }}
{{- end -}}

{{/*
Out to the OTLP collector (global.otlpEndpoint, traces) when one is set: global.networkPolicy.otlp's peers `to`
(empty: any address) on `ports` (default: the endpoint's port, else its scheme's: 80 or 443).
*/}}
{{- define "casework-lib.np.otlp" -}}
{{- $g := .Values.global | default dict -}}
{{- if $g.otlpEndpoint }}
{{- $np := include "casework-lib.np" . | fromYaml -}}
{{- $otlp := $np.otlp | default dict -}}
{{- $url := urlParse $g.otlpEndpoint -}}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" | default (ternary "443" "80" (eq $url.scheme "https")) | int -}}
{{ include "casework-lib.np.toExternal" (dict "peers" $otlp.to "ports" ($otlp.ports | default (list $port))) }}
{{- end }}
{{- end -}}

{{/* A component's policy: (dict "ctx" . "ingress" <rules yaml> "egress" <rules yaml>). */}}
{{- define "casework-lib.networkPolicy" -}}
{{- $ctx := .ctx -}}
{{- if include "casework-lib.networkPolicyEnabled" $ctx }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "casework-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" $ctx | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "casework-lib.selectorLabels" $ctx | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- include "casework-lib.np.monitoring" $ctx | nindent 4 }}
    {{- with .ingress }}
    {{- . | trim | nindent 4 }}
    {{- end }}
  egress:
    {{- include "casework-lib.np.dns" $ctx | nindent 4 }}
    {{- with include "casework-lib.np.otlp" $ctx | trim }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- with .egress }}
    {{- . | trim | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
The migration Job's policy: nothing in; out only DNS, the store, the broker for a service that has one (the migrate
verb declares its queues and bindings; dict key "broker": true) and the OTLP collector, if any. A hook itself
(weighted before the Job), since on a first install the release's ordinary objects do not exist yet when the Job
runs. Deleted once the event's hooks succeeded (Helm deletes hook-succeeded hooks only after every hook of the event
has finished, so never under a running Job) and before it is created again. Called with (dict "ctx" . ["broker" true]).
*/}}
{{- define "casework-lib.migrationNetworkPolicy" -}}
{{- $ctx := .ctx -}}
{{- if and $ctx.Values.migration.enabled (include "casework-lib.networkPolicyEnabled" $ctx) }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "casework-lib.fullname" $ctx }}-migrate
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "casework-lib.commonLabels" $ctx | nindent 4 }}
    app.kubernetes.io/component: migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  podSelector:
    matchLabels:
      {{- include "casework-lib.componentSelectorLabels" (dict "ctx" $ctx "name" (include "casework-lib.name" $ctx) "component" "migration") | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress: []
  egress:
    {{- include "casework-lib.np.dns" $ctx | nindent 4 }}
    {{- include "casework-lib.np.store" $ctx | nindent 4 }}
    {{- if .broker }}
    {{- include "casework-lib.np.broker" $ctx | nindent 4 }}
    {{- end }}
    {{- with include "casework-lib.np.otlp" $ctx | trim }}
    {{- . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}
