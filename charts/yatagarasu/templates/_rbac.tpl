{{/*
Rules on namespaced objects (pods: the distributor finds each proxy pod's address to push
snapshots to): in cluster mode they go into the ClusterRole, in namespaced mode into a
Role per watched namespace. Events: the operator records what it did on the fleets and
buckets (created, and patched to count repeats). Secrets: list and watch are filtered by the label
yatagarasu.io/credentials=true in the operator; RBAC cannot express a label filter.
*/}}
{{- define "yatagarasu.namespacedRules" -}}
- apiGroups: [yatagarasu.io]
  resources: [s3proxyconfigs, s3proxybuckets]
  verbs: [get, list, watch]
- apiGroups: [yatagarasu.io]
  resources: [s3proxyconfigs/status, s3proxybuckets/status]
  verbs: [get, patch, update]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [secrets, services, serviceaccounts]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [monitoring.coreos.com]
  resources: [servicemonitors]
  verbs: [get, create, update, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{/* Rules on cluster-scoped objects, needed in both modes. */}}
{{- define "yatagarasu.clusterRules" -}}
- apiGroups: [""]
  resources: [namespaces]
  verbs: [get, list, watch]
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
  resourceNames: [servicemonitors.monitoring.coreos.com]
  verbs: [get]
- apiGroups: [authorization.k8s.io]
  resources: [selfsubjectrulesreviews]
  verbs: [create]
{{- end }}
