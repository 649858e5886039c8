// Saved workflow histories for replay tests: tests/histories/<workflowType>/<name>.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { WorkflowHandle } from '@temporalio/client';

const DIR = new URL('../histories/', import.meta.url).pathname;

/** Saves the history when SAVE_HISTORIES=1 (to refresh the corpus after a deliberate change). */
export async function maybeSaveHistory(handle: WorkflowHandle, workflowType: string, name: string): Promise<void> {
  if (process.env.SAVE_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(join(DIR, workflowType), { recursive: true });
  writeFileSync(join(DIR, workflowType, `${name}.json`), historyToJSON(history));
}

export function savedHistories(): { workflowId: string; file: string; history: unknown }[] {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR).flatMap((type) =>
    readdirSync(join(DIR, type))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ workflowId: `${type}/${f}`, file: join(type, f), history: JSON.parse(readFileSync(join(DIR, type, f), 'utf8')) })),
  );
}
