// Replays every saved history against the current workflow code: a DeterminismViolationError here means a
// change would break workflows already running in production (use patched() instead).
import { describe, expect, test } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal.ts';
import { savedHistories } from '../helpers/histories.ts';

describe('replay of saved histories', () => {
  const histories = savedHistories();
  test('the corpus is not empty', () => {
    expect(histories.length).toBeGreaterThan(0);
  });
  for (const { workflowId, history } of histories) {
    test(`${workflowId} replays`, async () => {
      await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history as never, workflowId)).resolves.toBeUndefined();
    });
  }
});
