{{/*
Workloads. The restricted Pod Security Standard is not a value: every Casework pod runs as the image's non-root
user (app, UID 1654), without privilege escalation or capabilities, with seccomp RuntimeDefault and a read-only
root filesystem (/tmp is an emptyDir: .NET may write temporary files there).
*/}}

{{- define "casework-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
runAsGroup: 1654
fsGroup: 1654
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "casework-lib.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
runAsGroup: 1654
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Probes on the HTTP port: the server listens only once start-up (schema, broker connection) is done, so the startup
probe on /health/live waits for it; liveness is the process, readiness its store (/health/ready). The broker is not
part of readiness: during a broker outage writes go to the outbox and are published later, so the pods keep taking
requests (its health is /health/broker, and the outbox alerts).
*/}}
{{- define "casework-lib.probes" -}}
{{- $p := .Values.probes -}}
startupProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ $p.startup.periodSeconds }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: http
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{/*
SIGTERM arrives after the preStop sleep (endpoints drop the pod meanwhile); the host then drains requests and
consumers within Shutdown:TimeoutSeconds. The grace period covers both, plus a margin.
*/}}
{{- define "casework-lib.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSleepSeconds .Values.shutdown.timeoutSeconds 10 -}}
{{- end -}}

{{- define "casework-lib.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit | default "64Mi" }}
{{- end -}}

{{- define "casework-lib.scheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The Deployment of a component: (dict "ctx" . "env" (include "<chart>.env" .) "grpc" true|false).
The env is the whole configuration of the process: nothing else is mounted or injected (no service links).
*/}}
{{/* An env list without the blank lines optional entries leave. */}}
{{- define "casework-lib.env.tidy" -}}
{{- regexReplaceAll "(?m)^[ \t]*\n" (trim .) "" -}}
{{- end -}}

{{/* The rollout strategy; Recreate takes no rollingUpdate block (the API server refuses one). */}}
{{- define "casework-lib.strategy" -}}
{{- $s := .Values.strategy -}}
{{- if eq $s.type "Recreate" -}}
type: Recreate
{{- else -}}
{{- toYaml $s -}}
{{- end -}}
{{- end -}}

{{- define "casework-lib.deployment" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "casework-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" $ctx | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- include "casework-lib.strategy" $ctx | nindent 4 }}
  selector:
    matchLabels:
      {{- include "casework-lib.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "casework-lib.labels" $ctx | nindent 8 }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "casework-lib.imagePullSecrets" $ctx | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "casework-lib.podSecurityContext" $ctx | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "casework-lib.terminationGracePeriodSeconds" $ctx }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "casework-lib.selectorLabels" $ctx | nindent 14 }}
      {{- with include "casework-lib.scheduling" $ctx | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - name: {{ include "casework-lib.name" $ctx }}
          image: {{ include "casework-lib.image" $ctx | quote }}
          imagePullPolicy: {{ include "casework-lib.imagePullPolicy" $ctx }}
          ports:
            - name: http
              containerPort: {{ include "casework-lib.httpPort" $ctx }}
              protocol: TCP
            {{- if .grpc }}
            - name: grpc
              containerPort: {{ include "casework-lib.grpcPort" $ctx }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "casework-lib.env.tidy" .env | nindent 12 }}
          securityContext:
            {{- include "casework-lib.containerSecurityContext" $ctx | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          {{- include "casework-lib.probes" $ctx | nindent 10 }}
          {{- /* A sleep of 0 is refused by API servers before 1.33: no hook at all then. */}}
          {{- if gt (int $v.shutdown.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $v.shutdown.preStopSleepSeconds }}
          {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- include "casework-lib.tmpVolume" $ctx | nindent 8 }}
{{- end -}}

{{/* The Service: http, and grpc (h2c) for the services that serve it: (dict "ctx" . "grpc" true|false). */}}
{{- define "casework-lib.service" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "casework-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "casework-lib.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ include "casework-lib.httpPort" $ctx }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- if .grpc }}
    - name: grpc
      port: {{ include "casework-lib.grpcPort" $ctx }}
      targetPort: grpc
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- end }}
{{- end -}}

{{- define "casework-lib.podDisruptionBudget" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "casework-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  # A pod that is running but not ready (e.g. its store is down) may always be evicted: it serves nothing, and
  # a drain must not wait for it.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "casework-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "casework-lib.horizontalPodAutoscaler" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "casework-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "casework-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/*
A ServiceMonitor (Prometheus Operator) for /metrics, when monitoring is on (global.monitoring.enabled). honorLabels:
the operator adds a target label endpoint=<port name>, which would rename prometheus-net's own `endpoint` label
(the route of http_request_duration_seconds) to exported_endpoint and break every query that filters on it.
*/}}
{{- define "casework-lib.serviceMonitor" -}}
{{- $g := .Values.global | default dict -}}
{{- $m := $g.monitoring | default dict -}}
{{- if $m.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "casework-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "casework-lib.labels" . | nindent 4 }}
    {{- with $m.serviceMonitorLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "casework-lib.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: /metrics
      honorLabels: true
      interval: {{ $m.interval | default "30s" }}
{{- end }}
{{- end -}}

{{/*
The schema migration: a pre-install/pre-upgrade hook Job that runs the same image with the same configuration and
the "migrate" verb (MigrateCommand in Casework.Persistence: ensure the schema, declare the broker's queues and
bindings without consuming, exit), so a release's tables, indexes and subscriptions exist before its pods roll out.
(dict "ctx" . "env" ...)
*/}}
{{- define "casework-lib.migrationJob" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
{{- if $v.migration.enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "casework-lib.fullname" $ctx }}-migrate
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "casework-lib.commonLabels" $ctx | nindent 4 }}
    app.kubernetes.io/component: migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $v.migration.backoffLimit }}
  activeDeadlineSeconds: {{ $v.migration.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "casework-lib.commonLabels" $ctx | nindent 8 }}
        app.kubernetes.io/component: migration
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "casework-lib.imagePullSecrets" $ctx | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "casework-lib.podSecurityContext" $ctx | nindent 8 }}
      {{- with include "casework-lib.scheduling" $ctx | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "casework-lib.image" $ctx | quote }}
          imagePullPolicy: {{ include "casework-lib.imagePullPolicy" $ctx }}
          args: ["migrate"]
          env:
            {{- include "casework-lib.env.tidy" .env | nindent 12 }}
          securityContext:
            {{- include "casework-lib.containerSecurityContext" $ctx | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- include "casework-lib.tmpVolume" $ctx | nindent 8 }}
{{- end }}
{{- end -}}

{{/* NOTES.txt of a component chart: where it answers and how to check its health. */}}
{{- define "casework-lib.notes" -}}
{{ include "casework-lib.fullname" . }} runs in namespace {{ .Release.Namespace }}: Service {{ include "casework-lib.fullname" . }}, HTTP port {{ include "casework-lib.httpPort" . }}.
A whole region (identity, the five services and the gateway together) is the umbrella chart `casework`.

Check its health:
  kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/instance={{ .Release.Name }},app.kubernetes.io/name={{ include "casework-lib.name" . }}
  kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "casework-lib.fullname" . }} 8080:{{ include "casework-lib.httpPort" . }}
  curl http://127.0.0.1:8080/health/ready        # its store (identity: its database) reachable
  curl http://127.0.0.1:8080/health/broker       # the broker (services only; not part of readiness)
{{- end -}}
