import {
  namedBySelectors,
  serviceMatcher,
  serviceOfSeries,
  workloadOfPod,
} from '../../../../src/evidence/sources/series-service';
import { parseOpenMetrics } from '../../../../src/evidence/sources/files/openmetrics';
import { ProblemLog } from '../../../../src/evidence/sources/problems';

describe('the service a metric series belongs to', () => {
  it('reads a service label in the names exporters use', () => {
    expect(serviceOfSeries({ service: 'cart' })).toBe('cart');
    expect(serviceOfSeries({ service_name: 'cart', job: 'otel-collector' })).toBe('cart');
    expect(serviceOfSeries({ app_kubernetes_io_name: 'cart', pod: 'x-5d8f7c9b6d-abcde' })).toBe('cart');
    expect(serviceOfSeries({ app: 'cart' })).toBe('cart');
  });

  it('gives an Istio series to the workload that reported it', () => {
    const edge = { source_workload: 'web', destination_workload: 'cart' };
    expect(serviceOfSeries({ ...edge, reporter: 'destination' })).toBe('cart');
    expect(serviceOfSeries({ ...edge, reporter: 'source' })).toBe('web');
  });

  it('names a container series by the workload its pod belongs to, before the scrape job', () => {
    expect(
      serviceOfSeries({ namespace: 'prod', pod: 'cart-7c9f8d6b5d-x2k4q', container: 'main', job: 'kubelet' }),
    ).toBe('cart');
    expect(serviceOfSeries({ k8s_pod_name: 'orders-db-0' })).toBe('orders-db');
    expect(serviceOfSeries({ job: 'cart' })).toBe('cart');
    expect(serviceOfSeries({ instance: '10.0.0.1:9100' })).toBeUndefined();
  });

  it('strips only the suffixes Kubernetes generates from pod names', () => {
    expect(workloadOfPod('frontend-579b9bff58-t2dbm')).toBe('frontend');
    expect(workloadOfPod('node-exporter-7x2kq')).toBe('node-exporter');
    expect(workloadOfPod('kafka-2')).toBe('kafka');
    expect(workloadOfPod('auth-store')).toBe('auth-store');
  });

  it('keeps cAdvisor series that carry no service label, named by their pod', () => {
    const problems = new ProblemLog();
    const text = [
      '# TYPE container_cpu_usage_seconds counter',
      'container_cpu_usage_seconds_total{namespace="p",pod="cart-7c9f8d6b5d-x2k4q",container="main"} 1 1700000000',
      'container_cpu_usage_seconds_total{namespace="p",pod="cart-7c9f8d6b5d-x2k4q",container="main"} 2 1700000015',
      'up 1 1700000000',
    ].join('\n');
    const series = parseOpenMetrics(text, 'metrics/k.prom', problems);
    expect(series.map((s) => [s.service, s.points.length])).toEqual([['cart', 2]]);
    expect(problems.list().map((p) => p.problem)).toEqual(['series without a service label']);
  });

  it('finds a service in PromQL by any label that names it, a pod with or without its generated suffix', () => {
    expect(serviceMatcher('service', 'cart')).toBe('service="cart"');
    expect(serviceMatcher('job', 'cart|a\\\\.b')).toBe('job=~"cart|a\\\\.b"');
    expect(serviceMatcher('pod', 'cart')).toBe('pod=~"(?:cart)(?:-.+)?"');
    expect(serviceMatcher('pod', '.+')).toBe('pod=~".+"');
    expect(serviceMatcher('destination_workload', 'cart')).toBe('reporter="destination",destination_workload="cart"');
  });

  it('selects the series a label names: the labels read before it empty', () => {
    const present = new Set(['service', 'app', 'pod', 'job', 'instance']);
    expect(namedBySelectors('service', present)).toEqual(['service!=""']);
    expect(namedBySelectors('app', present)).toEqual(['app!="",service=""']);
    expect(namedBySelectors('job', present)).toEqual(['job!="",service="",app="",pod=""']);
    // An Istio series is its reporter's, not its pod's.
    expect(namedBySelectors('pod', new Set(['pod', 'reporter', 'destination_workload']))).toEqual([
      'pod!="",reporter!~"destination|source"',
      'pod!="",reporter="destination",destination_workload=""',
      'pod!="",reporter="source",source_workload=""',
    ]);
  });
});
