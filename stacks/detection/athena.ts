/**
 * `security-athena`: investigation over the log archive from the security account. An
 * enforced workgroup (results encrypted in the log archive, bytes-scanned cutoff), a Glue
 * database with the CloudTrail, Flow Logs and Resolver query logs tables, and the saved IR queries.
 */
import type { Construct } from 'constructs';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { LogArchiveStack } from './log-archive';
import { terraformLiteral } from '../plumbing/terraform-literal';
import { PARTITION_KEYS, cloudtrailTable, flowLogsTable, type TableDefinition } from './athena-tables';
import { dnsQueryLogsTable } from './dns-query-logs';
import { DETECTION, athenaResultsLocation } from '../../shared/addresses';
import { loadSavedQueries } from './queries';

/** `security-athena`: workgroup, database, tables and named queries in the home region. */
export class SecurityAthenaStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly security: TargetAccount; readonly archive: LogArchiveStack }) {
    super(scope, { config: props.config, account: props.security, concern: 'athena' });
    // The results key and bucket must exist: the workgroup resolves the key's alias (read from the archive, which orders this stack after it).
    const config = props.config;
    const resultsKey = new DataAwsKmsKey(this, 'results-key', { keyId: props.archive.keyAliasArn(this, 'athena-results') });

    const workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: DETECTION.athenaWorkgroup,
      description: 'Incident investigation over the organization log archive',
      state: 'ENABLED',
      configuration: {
        // Enforced: a client cannot send results elsewhere or unencrypted, nor lift the cutoff.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: athenaResultsLocation(config),
          expectedBucketOwner: config.accounts.logArchive.id,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: resultsKey.arn },
        },
      },
    });

    const database = new GlueCatalogDatabase(this, 'database', { name: DETECTION.glueDatabase, description: 'IR log archive tables (partition projection; no crawler)' });
    for (const table of [cloudtrailTable(config, DETECTION.cloudtrailTable), flowLogsTable(config, DETECTION.flowLogsTable), dnsQueryLogsTable(config, DETECTION.dnsQueryLogsTable)]) {
      this.table(database, table);
    }

    for (const query of loadSavedQueries()) {
      new AthenaNamedQuery(this, `query-${query.name}`, {
        name: query.name,
        description: query.description,
        workgroup: workgroup.name,
        database: database.name,
        query: terraformLiteral(query.sql),
      });
    }
  }

  private table(database: GlueCatalogDatabase, table: TableDefinition): void {
    const parameters = Object.fromEntries(Object.entries(table.parameters).map(([k, v]) => [k, terraformLiteral(v)]));
    new GlueCatalogTable(this, `table-${table.name}`, {
      name: table.name,
      databaseName: database.name,
      description: table.description,
      tableType: 'EXTERNAL_TABLE',
      parameters,
      partitionKeys: (table.partitionKeys ?? PARTITION_KEYS).map((k) => ({ name: k.name, type: k.type })),
      storageDescriptor: {
        location: table.location,
        inputFormat: table.inputFormat,
        outputFormat: table.outputFormat,
        serDeInfo: { serializationLibrary: table.serializationLibrary, parameters: { ...table.serdeParameters } },
        columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
      },
    });
  }
}
