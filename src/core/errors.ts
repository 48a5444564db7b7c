/**
 * Operator-facing errors (a bad config, a missing folder, a port in use). AWS-facing errors are
 * not EdgeparityErrors: they are responses built by each service's named factories.
 */
export type EdgeparityErrorCode =
  /** The stack file is not valid YAML/JSON, or fails schema validation. */
  | "STACK_INVALID"
  /** A stack file or folder named on the command line or in the config does not exist. */
  | "FILE_NOT_FOUND"
  /** No importer recognises the file's format. */
  | "FORMAT_UNKNOWN"
  /** A cloud name (origin domain, bucket, target group) has no local stand-in. */
  | "BINDING_MISSING"
  /** A port could not be bound. */
  | "LISTEN_FAILED"
  /** A command-line flag is malformed. */
  | "CLI_USAGE"
  /** A distribution named by the API or CLI (name, id or domain) is not in the running stack. */
  | "NO_SUCH_DISTRIBUTION"
  /** A CloudFront Function named by the API or CLI is not in the stack. */
  | "NO_SUCH_FUNCTION"
  /** An invalidation batch is malformed (path without `/`, `*` not last, reused CallerReference). */
  | "INVALIDATION_INVALID"
  /** The CLI could not reach a running edgeparity (wrong --http-port, not started). */
  | "NOT_RUNNING"
  /** Another live edgeparity process holds the state dir's lock. */
  | "STATE_DIR_LOCKED"
  /** A TLS client asked (SNI) for a host the running stack does not serve; the handshake is refused. */
  | "TLS_HOST_NOT_SERVED"
  /** The stack was closed; it takes no more updates. */
  | "STACK_CLOSED"
  /** `stack.trace()` / `stack.lastTrace()` on a stack started without `trace: true`. */
  | "TRACE_OFF";

/**
 * `name` carries the code (`EdgeparityError[STACK_INVALID]`), so a test runner's failure line and
 * `String(err)` say which error it was without printing `code`; a stack refused for one AWS error
 * names that instead (`EdgeparityError[NoSuchCachePolicy]`, `awsCode`).
 */
export class EdgeparityError<C extends EdgeparityErrorCode = EdgeparityErrorCode> extends Error {
  override readonly name: `EdgeparityError[${string}]`;
  /** The AWS error code when every problem is the same AWS refusal (`NoSuchCachePolicy`), else undefined. */
  readonly awsCode: string | undefined;
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown; awsCode?: string },
  ) {
    super(message, options);
    this.awsCode = options?.awsCode;
    this.name = `EdgeparityError[${options?.awsCode ?? code}]`;
  }
}
