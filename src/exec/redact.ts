/**
 * Replaces every known secret in text with `***`. Secrets shorter than 4 characters are not
 * registered: masking them would corrupt ordinary output and hides nothing worth hiding.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret === undefined) return;
    for (const part of [secret, ...secret.split(/\r?\n/u)]) {
      const trimmed = part.trim();
      if (trimmed.length >= 4) this.#secrets.add(trimmed);
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    const ordered = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const secret of ordered) out = out.split(secret).join('***');
    return out;
  }

  get size(): number {
    return this.#secrets.size;
  }
}
