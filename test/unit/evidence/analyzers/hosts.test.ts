import { hostReader } from '../../../../src/evidence/analyzers/hosts';

describe('hostReader: which of our services a host name is', () => {
  const known = new Set(['payments', 'api', 'auth', 'Orders', 'ledger']);
  const find = (n: string): string | undefined =>
    known.has(n) ? n : [...known].find((k) => k.toLowerCase() === n.toLowerCase());
  /** What the hosts of one analysis read as, each looked up among all of them. */
  const read = (hosts: string[]): Array<string | undefined> => hosts.map(hostReader(hosts, find));

  it('reads a cluster name under the service: namespace, svc, cluster.local, internal', () => {
    const hosts = ['payments', 'payments.prod', 'payments.prod.svc', 'payments.prod.svc.cluster.local'];
    expect(read(hosts)).toEqual(hosts.map(() => 'payments'));
    expect(read(['orders.default.svc.cluster.local', 'auth.internal'])).toEqual(['Orders', 'auth']);
  });

  it("leaves a host under a company's internet domain to that company", () => {
    expect(read(['api.stripe.com', 'auth.idprovider.com', 'payments.eu-west-1.amazonaws.com'])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads our own domain as ours where its hosts name two or more of our services', () => {
    expect(read(['payments.prod.acme.io', 'ledger.prod.acme.io', 'api.stripe.com'])).toEqual([
      'payments',
      'ledger',
      undefined,
    ]);
    // One of our names under a domain is not enough: that is someone else's api.
    expect(read(['api.stripe.com', 'hooks.stripe.com'])).toEqual([undefined, undefined]);
  });

  it('names nothing by an IP address or an unknown name', () => {
    expect(read(['10.0.0.12', 'ledger2.prod.svc'])).toEqual([undefined, undefined]);
  });
});
