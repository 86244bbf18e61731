/** Where a message points in the user's files, for annotations. */
export interface SourceLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly title?: string;
}

/**
 * How the engine talks to a person. The action maps this to workflow commands (log groups,
 * annotations, masking); the CLI to plain terminal lines.
 */
export interface Reporter {
  info(message: string): void;
  warning(message: string, where?: SourceLocation): void;
  error(message: string, where?: SourceLocation): void;
  /** Runs `work` inside a collapsible log group named `title`. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}
