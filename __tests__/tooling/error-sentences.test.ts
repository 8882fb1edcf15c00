/**
 * Failure sentences a responder reads: an endpoint that does not answer says so (not "set
 * AWS_PROFILE"), and an answer that is not AWS's is named as such, without SDK jargon.
 */
import { createServer, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { explainAwsError } from '../../tooling/aws/errors';
import { main } from '../../tooling/cli';
import { MOTO_CREDENTIALS } from '../../dev/moto';

/** A local port with nothing listening: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('an --endpoint nothing listens on: the error says it is unreachable and names --endpoint, not AWS_PROFILE', async () => {
  const port = await closedPort();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'irctl', '--case', 'IR-NET-1', '--no-assume', '--endpoint', `http://127.0.0.1:${port}`, '--regions', 'us-east-1', 'scope', '--access-key', 'AKIAIOSFODNN7EXAMPLE'], {
    stdout: new PassThrough(),
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS },
  });
  expect(code).toBe(1);
  expect(err).toMatch(/the AWS endpoint could not be reached \(ECONNREFUSED.*Fix: check --endpoint/);
  expect(err).not.toMatch(/AWS_PROFILE/);
});

test.each([
  {
    name: 'a deserialization failure (an answer that is not AWS\'s)',
    err: Object.assign(new Error('Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), { name: 'SyntaxError' }),
    expected: /^ec2:DescribeInstances on i-1 in us-east-1 got an answer that is not an AWS response \(SyntaxError\)\. Fix: check --endpoint/,
  },
  {
    name: 'a refused connection',
    err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    expected: /^ec2:DescribeInstances: the AWS endpoint could not be reached \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:9\)\. Fix: check --endpoint/,
  },
])('$name is explained in the "problem. Fix:" form without SDK jargon', ({ err, expected }) => {
  const sentence = explainAwsError(err, { action: 'ec2:DescribeInstances', target: 'i-1', region: 'us-east-1' });
  expect(sentence).toMatch(expected);
  expect(sentence).not.toMatch(/\$response/);
});
