import { describe, expect, test } from 'vitest';
import { locksToRelease, registriesToLogOut, type StateStore, stateCleanupRecorder } from '../../../src/action/state';

function memoryState(): StateStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, get: (key) => values.get(key) ?? '', set: (key, value) => values.set(key, value) };
}

const LOCK = { host: 'h', port: 22, user: 'deploy', lockDir: '/srv/.stack-deploy/lock', runDir: '/srv/.stack-deploy/runs/r1', runId: 'r1', script: '/srv/.stack-deploy/transaction.sh' };

describe('state handed to the post step', () => {
  test('registries are recorded once each, in order', () => {
    const state = memoryState();
    const recorder = stateCleanupRecorder(state);
    recorder.registryLogin('ghcr.io');
    recorder.registryLogin('127.0.0.1:5000');
    recorder.registryLogin('ghcr.io');
    expect(registriesToLogOut(state)).toEqual(['ghcr.io', '127.0.0.1:5000']);
  });

  test('a taken lock is handed over until it is settled', () => {
    const state = memoryState();
    const recorder = stateCleanupRecorder(state);
    expect(locksToRelease(state)).toEqual([]);
    recorder.lockTaken(LOCK);
    expect(locksToRelease(state)).toEqual([LOCK]);
    recorder.lockSettled();
    expect(locksToRelease(state)).toEqual([]);
  });

  test('locks of several hosts are settled one by one, and a lock taken again replaces its host\'s', () => {
    const state = memoryState();
    const recorder = stateCleanupRecorder(state);
    const other = { ...LOCK, host: 'h2' };
    recorder.lockTaken(LOCK);
    recorder.lockTaken(other);
    recorder.lockTaken({ ...other, runId: 'r1-undo' });
    expect(locksToRelease(state)).toEqual([LOCK, { ...other, runId: 'r1-undo' }]);
    recorder.lockSettled('deploy@h:22');
    expect(locksToRelease(state)).toEqual([{ ...other, runId: 'r1-undo' }]);
    recorder.lockSettled('deploy@h2:22');
    expect(locksToRelease(state)).toEqual([]);
  });

  test.each(['not json', '{"host":"h"}', '[]', JSON.stringify({ ...LOCK, script: undefined })])('unreadable lock state %j is ignored', (text) => {
    const state = memoryState();
    state.set('lock', text);
    expect(locksToRelease(state)).toEqual([]);
  });
});
