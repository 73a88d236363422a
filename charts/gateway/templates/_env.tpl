{{/* The gateway's configuration: host, token validation, the address of each cluster (a Service of the release) and config (values.yaml). */}}
{{- define "gateway.clusters" -}}
{{- list "identity" "intake" "case" "notes" "assignment" "reporting" | toYaml -}}
{{- end -}}

{{- define "gateway.env" -}}
{{ include "casework-lib.env.host" . }}
{{ include "casework-lib.env.auth" . }}
{{- range include "gateway.clusters" . | fromYamlArray }}
- name: ReverseProxy__Clusters__{{ . }}__Destinations__primary__Address
  value: "http://{{ include "casework-lib.peerName" (dict "ctx" $ "name" .) }}:{{ include "casework-lib.httpPort" $ }}/"
{{- end }}
{{ include "casework-lib.env.flatten" (dict "prefix" "" "value" .Values.config) }}
{{- end -}}

{{/*
In: the ingress controller (networkPolicy.ingressFrom), the release's helm test pod, and every component that reads
the issuer's signing keys through the gateway's Service when the issuer is its in-cluster URL (the gateway too).
*/}}
{{- define "gateway.ingress" -}}
{{- $g := .Values.global | default dict -}}
{{- with .Values.networkPolicy.ingressFrom }}
- from:
    {{- toYaml . | nindent 4 }}
  ports:
    - port: {{ include "casework-lib.httpPort" $ }}
      protocol: TCP
{{- end }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "gateway" "component" "test" "port" (include "casework-lib.httpPort" .)) }}
{{- if not $g.publicUrl }}
{{- range list "gateway" "intake" "case" "notes" "assignment" "reporting" }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" $ "name" . "port" (include "casework-lib.httpPort" $)) }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Out: identity and the five services (HTTP), and the token issuer (which already allows identity when the issuer is
in the cluster).
*/}}
{{- define "gateway.egress" -}}
{{- $g := .Values.global | default dict -}}
{{- range include "gateway.clusters" . | fromYamlArray }}
{{- if or (ne . "identity") $g.publicUrl }}
{{ include "casework-lib.np.toPeer" (dict "ctx" $ "name" . "port" (include "casework-lib.httpPort" $)) }}
{{- end }}
{{- end }}
{{ include "casework-lib.np.issuer" . }}
{{- end -}}
