/** Defaults that are domain knowledge rather than settings. */

/**
 * Instance types denied in denylist mode when the config lists none: GPU and accelerator
 * families (what miners want), FPGA/video families, bare metal, and the largest sizes.
 */
export const DEFAULT_DENIED_INSTANCE_TYPES: readonly string[] = [
  'p*', 'g*', 'inf*', 'trn*', 'dl*', 'f*', 'vt*',
  '*.metal', '*.metal-*',
  '*.12xlarge', '*.16xlarge', '*.18xlarge', '*.24xlarge', '*.32xlarge', '*.48xlarge',
  '*.56xlarge', '*.96xlarge', '*.112xlarge', '*.192xlarge', '*.224xlarge',
  'u-*', 'x2*', 'x8*', 'hpc*',
];
