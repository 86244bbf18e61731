/** Sizes in stack.yml: SI units (`kB`/`KB`, `MB`, `GB`, `TB` = 1000^n) and IEC units (`KiB`, `MiB`, `GiB`, `TiB` = 1024^n). */
export const SIZE_PATTERN = /^(\d+)(?:\.(\d+))? ?(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/u;

const BYTES_PER_UNIT: Readonly<Record<string, bigint>> = {
  B: 1n,
  kB: 1000n,
  KB: 1000n,
  MB: 1000n ** 2n,
  GB: 1000n ** 3n,
  TB: 1000n ** 4n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: 1024n ** 3n,
  TiB: 1024n ** 4n,
};

/**
 * Whole bytes, or undefined when the text is not a size or names a fraction of a byte.
 * Computed exactly (`1.1MB` is 1100000, not 1100000.0000000002).
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, whole = '', fraction = '', unit = ''] = match;
  const multiplier = BYTES_PER_UNIT[unit];
  if (multiplier === undefined) return undefined;
  const scale = 10n ** BigInt(fraction.length);
  const scaledBytes = BigInt(whole + fraction) * multiplier;
  if (scaledBytes % scale !== 0n) return undefined;
  const bytes = scaledBytes / scale;
  return bytes <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(bytes) : undefined;
}
