import * as cache from '@actions/cache';
import type { CacheStore } from './local-cache';

/** The runner's cache service through `@actions/cache`; unavailable outside a workflow run. */
export const actionsCacheStore: CacheStore = {
  available: () => cache.isFeatureAvailable(),
  restore: (dir, key, restoreKeys) => cache.restoreCache([dir], key, [...restoreKeys]),
  save: async (dir, key) => {
    await cache.saveCache([dir], key);
  },
};
