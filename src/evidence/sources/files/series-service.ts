// Which service a metric series belongs to, from the labels exporters actually put on it: a service
// label (ours, OTel's `service_name`, Kubernetes' `app`), the workload that reported a mesh series
// (Istio), the Deployment or StatefulSet a pod belongs to (cAdvisor, kube-state-metrics), and last the
// scrape job (which names a service with OTel's Prometheus exporter, but a scrape config elsewhere).

/** Labels that name the service outright, most specific first. */
const NAMING = ['service', 'service_name', 'app_kubernetes_io_name', 'app', 'k8s_app', 'workload'] as const;

/** Labels holding a pod's name (cAdvisor and kube-state-metrics `pod`, OTel `k8s_pod_name`). */
const POD = ['pod', 'pod_name', 'k8s_pod_name', 'kubernetes_pod_name'] as const;

/** Characters of the suffixes Kubernetes generates (apimachinery's SafeEncodeString, plus digits). */
const SAFE = '[bcdfghjklmnpqrstvwxz0-9]';

/**
 * The workload a pod belongs to, from how Kubernetes names pods: a Deployment's `<name>-<template hash>-<5
 * chars>`, a DaemonSet's or Job's `<name>-<5 chars>`, a StatefulSet's `<name>-<ordinal>`. A name without
 * such a suffix is returned as it is.
 */
export function workloadOfPod(pod: string): string {
  // Kubernetes draws generated suffixes from an alphabet without vowels (so they never spell words).
  const deployment = new RegExp(`^(.+)-${SAFE}{6,10}-${SAFE}{5}$`).exec(pod);
  if (deployment) return deployment[1] as string;
  const statefulSet = /^(.+)-\d{1,4}$/.exec(pod);
  if (statefulSet) return statefulSet[1] as string;
  const generated = new RegExp(`^(.+)-${SAFE}{5}$`).exec(pod);
  // Five characters Kubernetes generated mix letters and digits; `auth-store` keeps its name.
  if (generated && /\d/.test(pod.slice(-5))) return generated[1] as string;
  return pod;
}

/** The service a series belongs to (see file comment), or undefined when no label says. */
export function serviceOfSeries(labels: Readonly<Record<string, string>>): string | undefined {
  for (const l of NAMING) if (labels[l]) return labels[l];
  // Istio's telemetry names both ends; the series is the view of the end that reported it.
  const reporter = labels['reporter'];
  if (reporter === 'destination' && labels['destination_workload']) return labels['destination_workload'];
  if (reporter === 'source' && labels['source_workload']) return labels['source_workload'];
  for (const l of POD) if (labels[l]) return workloadOfPod(labels[l]);
  return labels['job'] || undefined;
}
