// The worker's memory settings (README « Vie des mandats »): the warning when MALLOC_ARENA_MAX is missing, and
// the cache and workflow tasks at once, from the environment.
import { describe, expect, test } from '@jest/globals';
import { avertirSansAllocateurCompact, MALLOC_ARENA_MAX_WORKER } from '../../workers/allocateur.ts';
import { optionsMemoire } from '../../workers/worker.ts';

describe('worker memory settings', () => {
  test('warns once, naming the variable and its value, when MALLOC_ARENA_MAX is missing (Linux)', () => {
    const messages: string[] = [];
    const averti = avertirSansAllocateurCompact((m) => messages.push(m), {});
    if (process.platform !== 'linux') {
      expect(averti).toBe(false);
      return;
    }
    expect(averti).toBe(true);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX_WORKER}`);
  });

  test('says nothing when MALLOC_ARENA_MAX is set', () => {
    const messages: string[] = [];
    expect(avertirSansAllocateurCompact((m) => messages.push(m), { MALLOC_ARENA_MAX: '2' })).toBe(false);
    expect(messages).toEqual([]);
  });

  test('100 cached workflows and 10 workflow tasks at once unless the environment says otherwise', () => {
    expect(optionsMemoire({})).toEqual({ maxCachedWorkflows: 100, maxConcurrentWorkflowTaskExecutions: 10 });
    expect(optionsMemoire({ WORKER_CACHED_WORKFLOWS: '300', WORKER_WORKFLOW_TASKS: '20' })).toEqual({ maxCachedWorkflows: 300, maxConcurrentWorkflowTaskExecutions: 20 });
  });
});
