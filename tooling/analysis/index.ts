/**
 * irctl's analysis phases: validate (is the alert real, whose is it), scope (what the
 * attacker touched, in every region) and report (the case as Markdown).
 */
export { validate, type ValidateOptions } from './validate';
export { scope, lookupUsername, type ScopeOptions, type ScopeTarget } from './scope';
export { renderReport, type ReportInput } from './report';
export { derivedManualSteps } from './report-manual';
export { RateLimiters, TokenBucket, LOOKUP_EVENTS_RATE, type TokenBucketOptions } from './rate-limit';
export { systemClock, type Clock } from '../clock';
export { inspectUserData, decodeUserData, type UserDataFindings } from './userdata';
export { escapeMarkdown } from './markdown';

import type { AttributedKind, Inventory } from '../model';

/** The attribution of one inventory record, if scope tied it to the attacker. */
export function attributionOf(inventory: Inventory, kind: AttributedKind, id: string, region?: string) {
  return inventory.attributions?.find((a) => a.kind === kind && a.id === id && (region === undefined || a.region === region));
}
