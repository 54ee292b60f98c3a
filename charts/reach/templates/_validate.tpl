{{/* Combinations the schema cannot express; each stops rendering with what to change. */}}
{{- define "reach.validate" -}}
{{- $v := .Values -}}
{{- $election := $v.operator.leaderElection -}}
{{- if and (gt (int $v.operator.replicas) 1) (not $election.enabled) -}}
{{- fail "operator.replicas > 1 needs operator.leaderElection.enabled: without it every replica would reconcile every resource" -}}
{{- end -}}
{{- if and $election.enabled (not (and (lt (float64 $election.retryPeriodSeconds) (float64 $election.renewDeadlineSeconds)) (lt (float64 $election.renewDeadlineSeconds) (float64 $election.leaseDurationSeconds)))) -}}
{{- fail "operator.leaderElection: retryPeriodSeconds < renewDeadlineSeconds < leaseDurationSeconds, so a leader stops before a standby may take over" -}}
{{- end -}}
{{- if and $v.operator.podDisruptionBudget.enabled (lt (int $v.operator.replicas) 2) -}}
{{- fail "operator.podDisruptionBudget.enabled needs operator.replicas >= 2: with one replica the budget blocks every node drain" -}}
{{- end -}}
{{- if and $v.platform.create (empty $v.platform.spec.stores) -}}
{{- fail "platform.spec.stores: a Platform needs its stores' connection Secrets (postgres, clickhouse, redis, rabbitmq secretKeyRefs); see the chart's README" -}}
{{- end -}}
{{- if and $v.platform.create (empty (dig "gateway" "keys" dict $v.platform.spec)) -}}
{{- fail "platform.spec.gateway.keys: a Platform needs the gateway's keys (jwt and signing secretKeyRefs); see the chart's README" -}}
{{- end -}}
{{- if and $v.platform.create $v.samples.enabled (eq $v.platform.name "default") -}}
{{- fail "platform.name: the samples already install a Platform named default; name this one differently or disable samples.enabled" -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.platform.create) -}}
{{- fail "ingress.enabled needs platform.create: the Ingress routes to that Platform's gateway and ingestion services" -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.ingress.gatewayHost) -}}
{{- fail "ingress.gatewayHost is required when ingress.enabled" -}}
{{- end -}}
{{- if and $v.ingress.enabled (dig "ingress" "enabled" false $v.platform.spec) -}}
{{- fail "platform.spec.ingress.enabled and ingress.enabled both make an Ingress for the gateway: keep one" -}}
{{- end -}}
{{- if and $v.metrics.serviceMonitor.enabled (not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
{{- fail "metrics.serviceMonitor.enabled: this cluster has no monitoring.coreos.com/v1 ServiceMonitor; install the Prometheus operator's CRDs first" -}}
{{- end -}}
{{- end -}}
