{{/* Names, labels and the image reference shared by every template. */}}

{{- define "reach.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "reach.labels" -}}
app.kubernetes.io/name: reach
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: reach
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The operator replicas' Lease: one per release, so two releases never share a leader. */}}
{{- define "reach.leaseName" -}}
{{ include "reach.fullname" . }}-operator
{{- end -}}

{{- define "reach.operatorSelector" -}}
app.kubernetes.io/name: reach
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "reach.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "reach.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (printf "%s-operator" (include "reach.fullname" .)) -}}
{{- end -}}

{{/* The pod and container security settings every pod of the chart runs with. */}}
{{- define "reach.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "reach.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: {drop: [ALL]}
{{- end -}}

{{/* The Platform's pods of one component (labels the operator gives them). */}}
{{- define "reach.platformSelector" -}}
app.kubernetes.io/instance: {{ .name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
