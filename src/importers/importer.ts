/**
 * Caddy's adapter contract: each format turns raw files into stack input plus warnings, and
 * parseStack() (model/parse-stack.ts) stays the one validation gate for every format.
 */

/** Where a field was written: 1-based line and column in `file`. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A setting accepted but not (fully) applied, with the file, line and field path it came from. */
export interface ImportWarning {
  file: string;
  /** Absent when the field path cannot be mapped back to the source (a defaulted field, an object config). */
  line?: number;
  column?: number;
  /** The stack field path, e.g. `distributions.web.Origins.Items[0].OriginShield`. */
  path: string;
  message: string;
}

/** One importer's share of a stack: unvalidated input for parseStack(), plus where each field came from. */
export interface ImportResult {
  /** Same shape as StackInput; validated later, after every source of a folder is merged. */
  input: Record<string, unknown>;
  warnings: ImportWarning[];
  /** Files this result was read from (absolute), so a live engine can watch them. */
  files: string[];
  /** What messages call this source when it is no file (the AWS API's resources). */
  label?: string;
  /** The source position of a stack field path, or undefined when this result does not hold it. */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

/** What the caller may set for an import (the CLI's flags). */
export interface ImportOptions {
  /** Template parameter values (`--parameter Key=Value` on `up` / `validate`); a template's Defaults fill the rest. */
  parameters?: Readonly<Record<string, string>>;
  /** Terraform input variables (`--var name=value`); they win over every other source. */
  variables?: Readonly<Record<string, string>>;
  /** Terraform variable files (`--var-file`), in order, after terraform.tfvars and *.auto.tfvars. */
  varFiles?: readonly string[];
  /** Where `TF_VAR_*` are read (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Importer {
  name: string;
  /**
   * File names a folder is searched for (`edgeparity.yaml`, `*.json`), listed in the error when a
   * folder holds nothing importable. Only files matching one are offered to detect() in a folder.
   */
  patterns: readonly string[];
  /**
   * `file`: import() gets each detected file. `folder`: import() gets the folder once when any of
   * its files is detected (a Terraform module is a folder of `.tf` files, not one file).
   */
  scope: "file" | "folder";
  /**
   * In a folder that this other importer also reads, this one's files are skipped (a plan JSON
   * saved beside the .tf files it was planned from is the same configuration, not a second one).
   */
  shadowedBy?: string;
  /** Cheap check on one file's name and raw bytes; never throws. */
  detect(path: string, bytes: Uint8Array): boolean;
  import(path: string, options?: ImportOptions): Promise<ImportResult>;
}
