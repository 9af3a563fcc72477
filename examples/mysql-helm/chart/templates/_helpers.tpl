{{/* The release's base name: the release name when it already says "mysql", else <release>-mysql (as bitnami). */}}
{{- define "mysql.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mysql.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one role (component: primary or secondary). */}}
{{- define "mysql.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
A password: the value given, else the one the release's Secret already holds (upgrades and rollbacks keep it), else
a new random one.
*/}}
{{- define "mysql.password" -}}
{{- $given := index .root.Values.auth .value -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace (include "mysql.fullname" .root) -}}
{{- if $given -}}
{{- $given | b64enc -}}
{{- else if and $existing (index $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum 16 | b64enc -}}
{{- end -}}
{{- end -}}

{{/* The volume claim template of one role. */}}
{{- define "mysql.claim" -}}
- metadata:
    name: data
  spec:
    accessModes: [ReadWriteOnce]
    {{- with .root.Values.global.storageClass }}
    storageClassName: {{ . | quote }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size | quote }}
{{- end -}}

{{/* MYSQL_ROOT_PASSWORD and the replication account, from the release's Secret. */}}
{{- define "mysql.secretEnv" -}}
- name: MYSQL_ROOT_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ include "mysql.fullname" . }}, key: mysql-root-password}
- name: MYSQL_REPLICATION_USER
  value: {{ .Values.auth.replicationUser | quote }}
- name: MYSQL_REPLICATION_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ include "mysql.fullname" . }}, key: mysql-replication-password}
{{- end -}}
