/** Defaults that are domain knowledge rather than settings. */

/**
 * Instance types denied in denylist mode when the config lists none: GPU and accelerator
 * families (what miners want), FPGA/video families, bare metal, High Memory (`u*`: u-*, u7i,
 * u7in, u7inh; no other EC2 family starts with u) and the largest sizes, up to the 480xlarge of
 * u7inh. A new size above 224xlarge appears with a new High Memory family first, so `u*` and
 * the size list together keep catching it.
 */
export const DEFAULT_DENIED_INSTANCE_TYPES: readonly string[] = [
  'p*', 'g*', 'inf*', 'trn*', 'dl*', 'f*', 'vt*',
  '*.metal', '*.metal-*',
  '*.12xlarge', '*.16xlarge', '*.18xlarge', '*.24xlarge', '*.32xlarge', '*.48xlarge',
  '*.56xlarge', '*.96xlarge', '*.112xlarge', '*.192xlarge', '*.224xlarge', '*.480xlarge',
  'u*', 'x2*', 'x8*', 'hpc*',
];
