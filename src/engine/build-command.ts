import { dockerTagFor } from '../release/select';
import { buildAndPublish, type BuiltImage, SizeBudgetError, sizeRow } from './build';
import type { RunContext } from './context';
import type { RunResult } from './result';
import type { SummaryTable } from './summary';
import { planRelease } from './release-plan';
import { loadAndReport } from './validate';

const SIZE_HEADER = ['Service', 'Size', 'Budget', 'Change', 'Result'];

function sizeTable(images: readonly BuiltImage[]): SummaryTable {
  return { header: SIZE_HEADER, rows: images.map(sizeRow) };
}

/** `build`: build the selected services' images, check their size budgets, push, read back digests. */
export async function build(context: RunContext): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  // Building needs no compose file: they are read by the commands that deploy.
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded.result;
  const plan = planRelease(settings, loaded.manifest, new Date(clock.now()));
  const services = plan.selection.services;
  reporter.info(`Release ${plan.version}: ${services.join(', ')}`);
  const baseOutputs = { version: plan.version, services: JSON.stringify(services) };
  try {
    const images = plan.builds.length === 0 ? [] : await buildAndPublish(context, plan.builds, dockerTagFor(plan.version));
    return {
      status: 'success',
      outputs: {
        ...baseOutputs,
        images: JSON.stringify(Object.fromEntries(images.map((image) => [image.service, image.pinned]))),
        sizes: JSON.stringify(Object.fromEntries(images.map((image) => [image.service, image.bytes]))),
      },
      summary: {
        title: `stack-deploy: built ${plan.version}`,
        lines: [
          `Pushed ${images.length} ${images.length === 1 ? 'image' : 'images'} for ${services.join(', ')}.`,
        ],
        tables: [sizeTable(images), { header: ['Service', 'Image'], rows: images.map((image) => [image.service, image.pinned ?? '']) }],
      },
    };
  } catch (error) {
    if (!(error instanceof SizeBudgetError)) throw error;
    reporter.error(error.message);
    return {
      status: 'failed',
      outputs: { ...baseOutputs, sizes: JSON.stringify(Object.fromEntries(error.images.map((image) => [image.service, image.bytes]))) },
      summary: {
        title: `stack-deploy: ${plan.version} is over its size budget`,
        lines: ['Nothing was pushed. Sizes are the compressed sizes a registry stores (gzip-compressed layers plus the image config).'],
        tables: [sizeTable(error.images)],
        details: `${error.message}\n  next: ${error.context.hint ?? ''}`,
      },
    };
  }
}
