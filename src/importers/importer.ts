/** Caddy's adapter contract: each format turns a file into stack input plus warnings; parseStack validates. */
export interface ImportWarning {
  file: string;
  path: string;
  message: string;
}

export interface ImportResult {
  input: unknown;
  warnings: ImportWarning[];
}

export interface Importer {
  name: string;
  /** Cheap check on the already-parsed document. */
  detect(doc: unknown, file: string): boolean;
  import(doc: unknown, file: string): ImportResult;
}
