{{/*
Identity's configuration: host, the issuer (the region's public URL), the region stamped on tokens, the signing and
encryption keys from a Secret, and its PostgreSQL store.
*/}}
{{- define "identity.env" -}}
{{- $g := .Values.global | default dict -}}
{{- $region := $g.region | default dict -}}
{{- $keys := .Values.keys.existingSecret | default (printf "%s-keys" (include "casework-lib.fullname" .)) -}}
{{- /* Behind an https issuer Identity refuses plain HTTP: the gateway's X-Forwarded-Proto must be believed. */ -}}
{{- if and (hasPrefix "https:" (include "casework-lib.issuer" .)) (has (.Values.forwardedHeaders.trustedNetworks | default "none") (list "none" "")) -}}
{{- fail "identity.forwardedHeaders.trustedNetworks must be the gateway pods' network (the cluster's pod CIDR, as in gateway.forwardedHeaders.trustedNetworks): with an https global.publicUrl Identity answers only requests the gateway marks as https (X-Forwarded-Proto)" -}}
{{- end -}}
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

{{/*
In: the gateway (/connect, /.well-known, /account) and, with an in-cluster issuer, every component that validates
tokens (discovery; with global.publicUrl they read it through the public entry, casework-lib.env.auth).
*/}}
{{- define "identity.ingress" -}}
{{- $g := .Values.global | default dict -}}
{{- range ternary (list "gateway") (list "gateway" "intake" "case" "notes" "assignment" "reporting") (not (empty $g.publicUrl)) }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" $ "name" . "port" (include "casework-lib.httpPort" $)) }}
{{- end }}
{{- end -}}

{{/* Out: its PostgreSQL store. */}}
{{- define "identity.egress" -}}
{{ include "casework-lib.np.store" . }}
{{- end -}}
