// The house's import rules (README « Organisation du code »), checked over the TypeScript module graph:
// imports go one way, web → api → db and workers → activities → db; workflows see only the workflow SDK
// and types; nothing outside tests/ imports tests/; no cycle between folders.
import { describe, expect, test } from '@jest/globals';
import { importGraph, violations, folderCycles } from '../helpers/import-graph.ts';

const graph = importGraph();

describe('règles d’import', () => {
  test('le graphe couvre tout le code', () => {
    expect(graph.files.length).toBeGreaterThan(200);
    expect(graph.edges.length).toBeGreaterThan(500);
  });

  test('chaque import va dans le sens permis', () => {
    expect(violations(graph)).toEqual([]);
  });

  test('aucun cycle entre dossiers', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  test('une règle enfreinte est nommée', () => {
    const bad = violations({
      files: ['api/x.ts', 'web/y.ts', 'workflows/w.ts', 'scripts/s.ts', 'tests/helpers/h.ts'],
      edges: [
        { from: 'api/x.ts', to: 'web/y.ts', typeOnly: false },
        { from: 'workflows/w.ts', to: 'api/x.ts', typeOnly: false },
        { from: 'scripts/s.ts', to: 'tests/helpers/h.ts', typeOnly: false },
        { from: 'workflows/w.ts', to: 'pg', typeOnly: false },
        { from: 'web/y.ts', to: 'db/queries/q.ts', typeOnly: false },
        { from: 'web/y.ts', to: 'db/domain/d.ts', typeOnly: false },
      ],
    });
    expect(bad).toEqual([
      'api/x.ts → web/y.ts : api n’importe que db (web → api → db)',
      'workflows/w.ts → api/x.ts : workflows n’importe que le SDK des workflows et des types',
      'scripts/s.ts → tests/helpers/h.ts : rien hors de tests/ n’importe tests/',
      'workflows/w.ts → pg : workflows n’importe que le SDK des workflows et des types',
      'web/y.ts → db/queries/q.ts : web lit, écrit et démarre les processus par api (web → api → db)',
    ]);
    expect(folderCycles({ files: [], edges: [
      { from: 'api/a/x.ts', to: 'api/b/y.ts', typeOnly: false },
      { from: 'api/b/z.ts', to: 'api/a/t.ts', typeOnly: false },
    ] })).toEqual(['api/a → api/b → api/a']);
  });
});
