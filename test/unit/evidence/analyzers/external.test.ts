import { hostsIn } from '../../../../src/evidence/analyzers/external';

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
