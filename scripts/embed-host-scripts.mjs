// Embeds the host-side shell scripts into a TypeScript module, so the bundle carries them.
// Run by `npm run build`; a unit test fails when the generated module is stale.
import { readFileSync, writeFileSync } from 'node:fs';

const source = new URL('../src/deploy/host/transaction.sh', import.meta.url);
const target = new URL('../src/deploy/host/scripts.generated.ts', import.meta.url);
const text = readFileSync(source, 'utf8');
writeFileSync(
  target,
  `// Generated from transaction.sh by scripts/embed-host-scripts.mjs: edit the .sh file, then run npm run build.\nexport const TRANSACTION_SCRIPT: string = ${JSON.stringify(text)};\n`,
);
