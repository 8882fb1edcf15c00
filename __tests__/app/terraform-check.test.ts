/**
 * The pure parts of `npm run check:terraform`: how a stack is rewritten for a local run, how a
 * diagnostic's line is traced back to a Terraform address, which stacks moto hosts, and the
 * version pins kept in one place. (The check itself needs the provider build; CI runs it.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { motoProvider } from '../../scripts/terraform/apply';
import { HOSTED_STACKS, NOT_HOSTED, TOLERATED_DIFFS } from '../../scripts/terraform/hosting';
import { changedAttributes, explainedBy, reviewReplan, type PlanJson } from '../../scripts/terraform/apply';
import { addressesByLine, forLocalRun, writeStack } from '../../scripts/terraform/stacks';
import { providerVersions } from '../../scripts/terraform/toolchain';
import { groupFindings } from '../../scripts/terraform/validate';
import { orgsToValidate } from '../../scripts/terraform/orgs';
import { seedConfigs, seedNeeds } from '../../scripts/terraform/moto-data';
import { detectionRegions } from '../../config';
import { synthOrg } from '../support/synth';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = resolve(__dirname, '..', '..');
const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const { stacks } = synthOrg(example);
const scps = stacks.get('management-scps')!;

describe('a stack prepared for a local run', () => {
  const local = forLocalRun(scps, '6.34.0');

  it('drops the backend and pins the built provider version, leaving the original untouched', () => {
    expect(local.terraform.backend).toBeUndefined();
    expect(local.terraform.required_providers.aws).toEqual({ source: 'aws', version: '6.34.0' });
    expect(scps.terraform.backend.local).toBeDefined();
    expect(scps.terraform.required_providers.aws.version).toBe(providerVersions().bindingsVersion);
  });

  it('on moto keeps the role, allowed account, region and tags, and sends every service to the emulator', () => {
    const provider = motoProvider(scps.provider.aws[0], 'http://127.0.0.1:5999');
    const original = scps.provider.aws[0];
    expect(provider).toMatchObject({
      region: original.region,
      assume_role: original.assume_role,
      allowed_account_ids: original.allowed_account_ids,
      default_tags: original.default_tags,
      access_key: 'testing',
      s3_use_path_style: true,
    });
    const endpoints = (provider.endpoints as Array<Record<string, string>>)[0];
    expect(new Set(Object.values(endpoints))).toEqual(new Set(['http://127.0.0.1:5999']));
    for (const service of ['sts', 'iam', 's3', 's3control', 'organizations', 'kms', 'ec2']) expect(endpoints[service]).toBeDefined();
  });
});

it('traces a diagnostic line back to the resource that holds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'irg-tfcheck-'));
  const text = writeStack(dir, forLocalRun(stacks.get('management-ir-roles')!, '6.34.0'));
  const lines = text.split('\n');
  const addresses = addressesByLine(text);
  const at = (needle: string) => addresses[lines.findIndex((l) => l.includes(needle))];
  expect(at('"stack_set_name"')).toMatch(/^aws_cloudformation_stack_instances\.member-accounts_instances-/);
  expect(at('"permission_model"')).toMatch(/^aws_cloudformation_stack_set\./);
  expect(at('"allowed_account_ids"')).toBe('provider.aws');
  expect(at('"required_providers"')).toBe('terraform');
});

it('places every stack of the example org on moto or in the not-hosted list with a reason, never both', () => {
  const hosted = new Set<string>(HOSTED_STACKS);
  const notHosted = new Set(NOT_HOSTED.map((n) => n.stack));
  for (const id of stacks.keys()) expect([id, hosted.has(id) !== notHosted.has(id)]).toEqual([id, true]);
  for (const id of [...hosted, ...notHosted]) expect(stacks.has(id)).toBe(true);
  for (const n of NOT_HOSTED) expect(n.reason.length).toBeGreaterThan(20);
});

describe('a re-plan after apply', () => {
  const flowLogGap = {
    address: 'aws_flow_log.x',
    type: 'aws_flow_log',
    change: {
      actions: ['delete', 'create'],
      before: { id: 'fl-1', destination_options: [], iam_role_arn: '' },
      after: { destination_options: [{ file_format: 'plain-text' }], iam_role_arn: null },
      after_unknown: { id: true },
      replace_paths: [['destination_options']],
    },
  };
  /** What the flow log's configuration sets (the plan's configuration block); id is the provider's. */
  const configured = new Set(['destination_options', 'iam_role_arn', 'traffic_type', 'tags']);
  it.each([
    { name: 'the emulator gap alone is tolerated', change: flowLogGap, tolerated: true },
    {
      name: 'the gap plus a real drift is not',
      change: { ...flowLogGap, change: { ...flowLogGap.change, before: { ...flowLogGap.change.before, traffic_type: 'ALL' }, after: { ...flowLogGap.change.after, traffic_type: 'REJECT' } } },
      tolerated: false,
    },
    { name: 'the same attribute on another resource type is not', change: { ...flowLogGap, type: 'aws_s3_bucket' }, tolerated: false },
    {
      // tags from timestamp(): unknown at every plan, a real perpetual diff the replacement must not hide
      name: 'the gap plus tags known only after apply is not',
      change: { ...flowLogGap, change: { ...flowLogGap.change, before: { ...flowLogGap.change.before, tags: { Name: 'x', DeployedAt: '2026-12-01T04:31:45Z' } }, after_unknown: { id: true, tags: true } } },
      tolerated: false,
    },
  ])('$name', ({ change, tolerated }) => {
    expect(Boolean(explainedBy(change, TOLERATED_DIFFS, configured))).toBe(tolerated);
  });
  it('reads attributes forced by replacement and changed in place, not ones the provider computes anew', () => {
    expect(changedAttributes(flowLogGap, configured)).toEqual(['destination_options']);
  });
  it('without the configuration, counts every value unknown until apply', () => {
    expect(changedAttributes(flowLogGap)).toEqual(['destination_options', 'id']);
  });
});

describe('a re-plan read from terraform show -json (fixtures in fixtures/replan)', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'replan', `${name}.json`), 'utf8')) as PlanJson;
  it.each([
    { name: 'flow-log-gap', tolerated: ['aws_flow_log.flow-log-analytics-use1 (destination_options)'], unexplained: [] },
    {
      name: 'flow-log-gap-masking-timestamp-tags',
      tolerated: [],
      unexplained: ['aws_flow_log.flow-log-analytics-use1 (destination_options, tags: known after apply, tags_all: known after apply)'],
    },
    { name: 'bucket-tags-unknown-in-place', tolerated: [], unexplained: ['aws_s3_bucket.log-archive (tags: known after apply, tags_all: known after apply)'] },
  ])('$name', ({ name, tolerated, unexplained }) => {
    const review = reviewReplan(fixture(name), TOLERATED_DIFFS);
    expect(review.tolerated.map((t) => t.change)).toEqual(tolerated);
    expect(review.unexplained).toEqual(unexplained);
  });
});

it('reports one sorted line per defect, grouping orgs, stacks and regions', () => {
  const detector = (org: string, region: string) => ({ org, stack: 'security-guardduty', severity: 'error' as const, address: `aws_guardduty_detector.detector-${region}`, message: 'Incorrect attribute value type' });
  const lines = groupFindings(
    [
      detector('example', 'us-east-1'),
      detector('example', 'eu-west-1'),
      detector('100-account', 'us-east-1'),
      { org: 'example', stack: 'management-billing', severity: 'error', address: 'aws_budgets_budget.monthly-budget', message: 'Unsupported argument' },
      { org: 'example', stack: 'management-billing', severity: 'error', address: 'aws_budgets_budget.monthly-budget', message: 'Unsupported argument' },
    ],
    ['us-east-1', 'eu-west-1', 'us-east-2'],
  );
  expect(lines).toEqual([
    'error at aws_budgets_budget.monthly-budget: Unsupported argument [example org: management-billing]',
    'error at aws_guardduty_detector.detector-<region>: Incorrect attribute value type [example org: security-guardduty (eu-west-1, us-east-1); 100-account org: security-guardduty (us-east-1)]',
  ]);
});

describe('what the data sources read, seeded in moto so plans complete', () => {
  const synthStacks = [...stacks].map(([id, json]) => ({ id, json, dependencies: [] }));
  const needs = seedNeeds(synthStacks);

  it('a KMS alias in the account that reads it (moto resolves aliases only there), and a detector per GuardDuty region', () => {
    const kms = needs.filter((n) => n.kind === 'kms-alias').map((n) => `${n.account} ${n.region} ${n.alias}`).sort();
    expect(kms).toEqual(['111111111111 us-east-1 alias/ir-cloudtrail', '222222222222 us-east-1 alias/ir-athena-results', '222222222222 us-east-1 alias/ir-guardduty-findings']);
    const detectors = needs.filter((n) => n.kind === 'guardduty-detector');
    expect(new Set(detectors.map((n) => n.account))).toEqual(new Set(['222222222222']));
    expect(detectors.map((n) => n.region).sort()).toEqual([...detectionRegions(example)].sort());
  });

  it('one configuration per account, its provider assuming the deployment role there', () => {
    const configs = seedConfigs(needs, 'OrganizationAccountAccessRole', 'http://127.0.0.1:5999', '6.34.0');
    expect([...configs.keys()].sort()).toEqual(['111111111111', '222222222222']);
    const security = configs.get('222222222222')!;
    expect(security.provider.aws[0].assume_role).toEqual([{ role_arn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', session_name: 'ir-guardrails-seed' }]);
    expect(Object.values<{ name: string }>(security.resource.aws_kms_alias).map((a) => a.name).sort()).toEqual(['alias/ir-athena-results', 'alias/ir-guardduty-findings']);
    expect(configs.get('111111111111')!.resource.aws_guardduty_detector).toBeUndefined();
  });

  it('refuses a data source type it would not seed, by name', () => {
    const odd = [{ id: 'x', dependencies: [], json: { provider: { aws: [{ region: 'us-east-1', assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/R' }] }] }, data: { aws_iam_role: { r: {} } } } }];
    expect(() => seedNeeds(odd)).toThrow('x: data source type aws_iam_role has nothing seeded in moto; add it to scripts/terraform/moto-data.ts');
  });
});

describe('the organizations validated', () => {
  it('are the example and the generated 100-account org when no config is selected, or the example is', () => {
    expect(orgsToValidate(undefined).map(([label]) => label)).toEqual(['example', '100-account']);
    expect(orgsToValidate(EXAMPLE_CONFIG_PATH).map(([label]) => label)).toEqual(['example', '100-account']);
  });

  it("include the user's config, loaded (and so fully validated) from the path given", () => {
    const dir = mkdtempSync(join(tmpdir(), 'irg-user-org-'));
    const file = join(dir, 'my-org.yaml');
    writeFileSync(file, readFileSync(EXAMPLE_CONFIG_PATH, 'utf8').replace('name: example-corp', 'name: my-corp'));
    const orgs = orgsToValidate(file);
    expect(orgs.map(([label]) => label)).toEqual(['example', '100-account', `your (${relative(root, file)})`]);
    expect(orgs[2][1]().organization.name).toBe('my-corp');
  });
});

it('keeps the provider versions in one place, agreeing with go.mod and the bindings', () => {
  const v = providerVersions();
  const goMod = readFileSync(join(root, 'tools', 'terraform-provider', 'go.mod'), 'utf8');
  expect(goMod).toContain(`=> ${v.module} ${v.moduleVersion}`);
  expect(scps.terraform.required_providers.aws.version).toBe(v.bindingsVersion);
});
