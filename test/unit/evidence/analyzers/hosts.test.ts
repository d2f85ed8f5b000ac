import { serviceOfHost } from '../../../../src/evidence/analyzers/hosts';

describe('serviceOfHost: which of our services a host name is', () => {
  const known = new Set(['payments', 'api', 'auth', 'Orders']);
  const find = (n: string): string | undefined =>
    known.has(n) ? n : [...known].find((k) => k.toLowerCase() === n.toLowerCase());

  it('reads a cluster name under the service: namespace, svc, cluster.local, internal', () => {
    for (const host of ['payments', 'payments.prod', 'payments.prod.svc', 'payments.prod.svc.cluster.local'])
      expect(serviceOfHost(host, find)).toBe('payments');
    expect(serviceOfHost('orders.default.svc.cluster.local', find)).toBe('Orders');
    expect(serviceOfHost('auth.internal', find)).toBe('auth');
  });

  it("leaves a host under a company's internet domain to that company", () => {
    expect(serviceOfHost('api.stripe.com', find)).toBeUndefined();
    expect(serviceOfHost('auth.idprovider.com', find)).toBeUndefined();
    expect(serviceOfHost('payments.eu-west-1.amazonaws.com', find)).toBeUndefined();
  });

  it('names nothing by an IP address or an unknown name', () => {
    expect(serviceOfHost('10.0.0.12', find)).toBeUndefined();
    expect(serviceOfHost('ledger.prod.svc', find)).toBeUndefined();
  });
});
