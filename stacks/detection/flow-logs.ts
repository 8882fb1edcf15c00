/**
 * `<workload>-flow-logs`: VPC Flow Logs for every configured VPC of one workload account,
 * delivered to the log archive's bucket in the custom v5 format the Athena table reads, with
 * 60-second aggregation so a miner's first minute of pool traffic is on record quickly.
 */
import type { Construct } from 'constructs';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import type { AccountConfig, OrgConfig, VpcConfig } from '../../config';
import { AccountStack } from '../account-stack';
import type { LogArchiveStack } from './log-archive';
import { flowLogFormat } from '../plumbing/flow-log-format';
import { terraformLiteral } from '../plumbing/terraform-literal';

/** Seconds of aggregation: the shortest Flow Logs allows. */
export const FLOW_LOG_AGGREGATION_SECONDS = 60;

/** Label for a VPC in resource IDs: its configured name, or its ID. */
function vpcLabel(vpc: VpcConfig): string {
  return vpc.name ?? vpc.id;
}

/** One workload account's flow logs, each in its VPC's region through the account's single provider. */
export class WorkloadFlowLogsStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly workload: AccountConfig; readonly archive: LogArchiveStack }) {
    super(scope, { config: props.config, account: props.workload, concern: 'flow-logs' });
    // Flow Logs check the destination bucket when created: reading it from the archive orders this stack after it.
    const destination = props.archive.bucket(this, 'flow-logs').arn;
    for (const vpc of props.workload.vpcs.filter((v) => v.flowLogs)) {
      new FlowLog(this, `flow-log-${vpcLabel(vpc)}`, {
        region: vpc.region,
        vpcId: vpc.id,
        trafficType: 'ALL',
        logDestinationType: 's3',
        // The bucket root: Flow Logs adds AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<MM>/<dd>/ itself.
        logDestination: destination,
        logFormat: terraformLiteral(flowLogFormat()),
        maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
        destinationOptions: { fileFormat: 'plain-text', hiveCompatiblePartitions: false, perHourPartition: false },
        tags: { Name: `ir-flow-logs-${vpcLabel(vpc)}` },
      });
    }
  }
}

/** Workload accounts that get a flow-logs stack: those with at least one VPC to log. */
export function flowLoggedWorkloads(config: OrgConfig): AccountConfig[] {
  return config.accounts.workloads.filter((w) => w.vpcs.some((v) => v.flowLogs));
}
