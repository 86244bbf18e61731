/** One progress line the host-side transaction writes (`events.jsonl`). */
export interface TransactionEvent {
  readonly t: number;
  readonly step: string;
  readonly status: string;
  readonly service: string;
  readonly message: string;
}

function isEvent(value: unknown): value is TransactionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.t === 'number' && typeof v.step === 'string' && typeof v.status === 'string' && typeof v.service === 'string' && typeof v.message === 'string';
}

/**
 * Splits streamed text into whole lines and parses each event; partial lines wait for more.
 * A line that is not an event is kept in `invalid` and passed to `onInvalid`, never dropped
 * silently: a lost `done` line would otherwise read as "no result".
 */
export class EventStream {
  #buffer = '';
  readonly events: TransactionEvent[] = [];
  readonly invalid: string[] = [];

  constructor(
    private readonly onEvent: (event: TransactionEvent) => void,
    private readonly onInvalid: (line: string) => void = () => undefined,
  ) {}

  push(text: string): void {
    this.#buffer += text;
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      this.#parse(this.#buffer.slice(0, newline));
      this.#buffer = this.#buffer.slice(newline + 1);
      newline = this.#buffer.indexOf('\n');
    }
  }

  /** The stream ended: a last line without its newline is parsed too. */
  end(): void {
    const rest = this.#buffer;
    this.#buffer = '';
    this.#parse(rest);
  }

  #parse(text: string): void {
    const line = text.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (isEvent(parsed)) {
      this.events.push(parsed);
      this.onEvent(parsed);
    } else {
      this.invalid.push(line);
      this.onInvalid(line);
    }
  }
}

/** The transaction's outcome as its last `done` event says, if it got that far. */
export function outcomeOf(events: readonly TransactionEvent[]): { result: string; message: string } | undefined {
  const done = events.findLast((event) => event.step === 'done');
  return done === undefined ? undefined : { result: done.status, message: done.message };
}

/** How one event reads in the log. */
export function describeEvent(event: TransactionEvent): string {
  const who = event.service === '' ? '' : ` ${event.service}`;
  const what = event.message === '' ? '' : `: ${event.message}`;
  return `${event.step}${who} ${event.status}${what}`;
}
