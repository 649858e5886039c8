// Replays every saved history against the current workflow code: a DeterminismViolationError here means a
// change would break workflows already running in production (use patched() instead).
import { describe, expect, test } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../scripts/fixtures/temporal.ts';
import { savedHistories } from '../helpers/histories.ts';
import * as workflows from '../../workflows/index.ts';

describe('replay of saved histories', () => {
  const histories = savedHistories();
  test('the corpus is not empty', () => {
    expect(histories.length).toBeGreaterThan(0);
  });
  test('every workflow type has at least one saved history', () => {
    // Long-lived runs (a mandat's 6-year retention above all) must replay on every change of their code.
    const types = Object.entries(workflows).filter(([, v]) => typeof v === 'function').map(([name]) => name).sort();
    expect(types).toEqual(expect.arrayContaining(['mandat', 'conservationMandat']));
    const saved = new Set(histories.map((h) => h.workflowId.split('/')[0]));
    expect(types.filter((type) => !saved.has(type))).toEqual([]);
  });
  for (const { workflowId, history } of histories) {
    test(`${workflowId} replays`, async () => {
      await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history as never, workflowId)).resolves.toBeUndefined();
    });
  }
});
