/**
 * What tells a Terraform source apart, without loading the evaluator (index.ts imports the rest on
 * first use; issue 14: cold start).
 */

/** A Terraform configuration file: `*.tf` (HCL) or `*.tf.json`. */
export function isConfigurationFile(name: string): boolean {
  return /\.tf(\.json)?$/i.test(name);
}

/** `terraform show -json` output opens with its format and Terraform versions. */
export function looksLikeTerraformJson(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString("utf8");
  return /^\s*\{/.test(head) && head.includes('"format_version"') && head.includes('"terraform_version"');
}
