{{/*
Identity's configuration: host, the issuer (the region's public URL), the region stamped on tokens, the signing and
encryption keys from a Secret, and its PostgreSQL store.
*/}}
{{- define "identity.env" -}}
{{- $g := .Values.global | default dict -}}
{{- $region := $g.region | default dict -}}
{{- $keys := .Values.keys.existingSecret | default (printf "%s-keys" (include "casework-lib.fullname" .)) -}}
{{ include "casework-lib.env.host" . }}
- name: Identity__Issuer
  value: {{ include "casework-lib.issuer" . | quote }}
{{- with $region.id }}
- name: Identity__Region
  value: {{ . | quote }}
{{- end }}
{{ include "casework-lib.env.fromSecret" (dict "name" "Identity__SigningKeyPem" "secret" $keys "key" .Values.keys.signingKeyKey) }}
{{ include "casework-lib.env.fromSecret" (dict "name" "Identity__EncryptionKeyPem" "secret" $keys "key" .Values.keys.encryptionKeyKey) }}
{{ include "casework-lib.env.store" (dict "ctx" . "withEngine" false) }}
{{- end -}}

{{/* In: the gateway (/connect, /.well-known, /account) and every component that validates tokens (discovery). */}}
{{- define "identity.ingress" -}}
{{- range list "gateway" "intake" "case" "notes" "assignment" "reporting" }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" $ "name" . "port" (include "casework-lib.httpPort" $)) }}
{{- end }}
{{- end -}}

{{/* Out: its PostgreSQL store. */}}
{{- define "identity.egress" -}}
{{ include "casework-lib.np.store" . }}
{{- end -}}
