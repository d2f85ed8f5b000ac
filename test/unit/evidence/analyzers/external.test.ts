import { externalMentions, HostMentions, hostsIn } from '../../../../src/evidence/analyzers/external';
import type { TemplateStat } from '../../../../src/evidence/types';

describe('hostsIn: the host names an error line gives', () => {
  it('reads a URL host and a host:port, not the scheme, path or port', () => {
    expect(
      hostsIn('POST https://api.paygate-eu.example.net/v2/charges failed; retrying db-1.prod.internal:5432'),
    ).toEqual(['api.paygate-eu.example.net', 'db-1.prod.internal']);
  });

  it('leaves out file names and a dotted class name', () => {
    expect(hostsIn('at com.shop.PaymentClient.charge(PaymentClient.java:88) see /var/log/app.log')).toEqual([]);
  });

  it('takes a DNS label of at most 63 characters, so an over-long token is not read as one name', () => {
    const long = 'x'.repeat(70);
    expect(hostsIn(`connect ${long}.svc.cluster.local refused`)).not.toContain(`${long}.svc.cluster.local`);
    expect(hostsIn(`connect ${'y'.repeat(63)}.svc.cluster.local refused`)).toEqual([
      `${'y'.repeat(63)}.svc.cluster.local`,
    ]);
  });
});

describe('externalMentions: what failing callers blame', () => {
  const tpl = (service: string, line: string): TemplateStat => ({
    id: `${service}:${line.slice(0, 12)}`,
    template: line,
    service,
    level: 'error',
    baselineCount: 0,
    incidentCount: 40,
    ratio: Infinity,
    firstSeen: 0,
    label: 'new',
    samples: [line],
  });
  const lookups = [
    tpl('web', 'dial tcp: lookup cart.prod.svc.cluster.local on 10.96.0.10:53: server misbehaving'),
    tpl('orders', 'getaddrinfo EAI_AGAIN ledger.prod.svc.cluster.local'),
    tpl(
      'kube-dns',
      'plugin/errors: 2 cart.prod.svc.cluster.local. A: read udp 10.0.0.5:4000->10.0.0.2:53: i/o timeout',
    ),
  ];

  it('blames the estate’s DNS service, not the hosts looked up, for failed name lookups', () => {
    const known = new Set(['web', 'orders', 'cart', 'ledger', 'kube-dns']);
    expect(externalMentions(lookups, known).map((m) => [m.name, m.callers])).toEqual([['kube-dns', ['web', 'orders']]]);
  });

  it('still names the host when the estate has no DNS service', () => {
    const known = new Set(['web', 'orders', 'cart', 'ledger']);
    expect(
      externalMentions(lookups.slice(0, 2), known)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['cart', 'ledger']);
  });

  it('names the callee of an ordinary failed call', () => {
    const known = new Set(['web', 'cart', 'kube-dns']);
    const failed = [tpl('web', 'upstream returned 503 for POST http://cart.prod.svc:8080/v1/cart')];
    expect(externalMentions(failed, known).map((m) => m.name)).toEqual(['cart']);
  });

  it("names a company's host on the internet, not our service that shares its first label", () => {
    const known = new Set(['web', 'api', 'auth']);
    const failed = [
      tpl('web', 'POST https://api.stripe.com/v1/charges failed: connection reset'),
      tpl(
        'web',
        'Post "https://auth.idprovider.com/v2/token": tls: failed to verify certificate: x509: certificate has expired',
      ),
    ];
    expect(
      externalMentions(failed, known)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['api.stripe.com', 'auth.idprovider.com']);
  });

  it('names our services when our own internet domain carries several of them', () => {
    const known = new Set(['web', 'cart', 'ledger']);
    const failed = [
      tpl('web', 'upstream returned 503 for POST https://cart.prod.acme.io/v1/cart'),
      tpl('web', 'GET https://ledger.prod.acme.io/balance timed out after 5000ms'),
    ];
    expect(
      externalMentions(failed, known)
        .map((m) => [m.name, m.known])
        .sort(),
    ).toEqual([
      ['cart', true],
      ['ledger', true],
    ]);
  });
});

describe('HostMentions: hosts named in error events', () => {
  it('names the host a failing URL points at, never a dotted token or the password in it', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzNDUifQ.Zk3p9QmXvB2aL8sT0wYr';
    const mentions = new HostMentions();
    mentions.add('orders', 1000, `upstream rejected Authorization: Bearer ${jwt} code=401`);
    mentions.add('orders', 2000, 'connect postgres://app:PgS3cretXy9@db.internal:5432/shop failed: timeout');
    const list = mentions.list();
    expect(list.map((m) => m.host)).toEqual(['db.internal']);
    expect(list[0]?.sample).toBe('connect postgres://app:[REDACTED:password]@db.internal:5432/shop failed: timeout');
  });
});
