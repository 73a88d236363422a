{{/* Assignment's configuration: the domain service settings only. */}}
{{- define "assignment.env" -}}
{{ include "casework-lib.env.domainService" . }}
{{- end -}}

{{/* In: the gateway (API). */}}
{{- define "assignment.ingress" -}}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "gateway" "port" (include "casework-lib.httpPort" .)) }}
{{- end -}}

{{/* Out: its store, the broker, the token issuer. */}}
{{- define "assignment.egress" -}}
{{ include "casework-lib.np.store" . }}
{{ include "casework-lib.np.broker" . }}
{{ include "casework-lib.np.issuer" . }}
{{- end -}}
