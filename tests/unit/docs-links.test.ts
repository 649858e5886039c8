// The project's own docs (README « Organisation du code »): every code comment that cites a Markdown file
// (`db/domain/README.md`, `api/franceconnect/README.md#identité-pivot`) must name a file of this repository
// and, with an anchor, one of its headings, so that no comment points outside the repository again. The
// docs' own links, and the source files they name, are checked the same way.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ts from 'typescript';
import { ACTIONS_JOURNAL } from '../../db/domain/statuts.ts';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const FOLDERS = ['workflows', 'activities', 'workers', 'api', 'web', 'db', 'scripts', 'tests'];
const DOCS = ['README.md', 'db/domain/README.md', 'api/franceconnect/README.md'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every comment of a TypeScript file, with its line (read by the compiler's parser: strings are not comments). */
function commentsOf(text: string, file = 'x.ts'): { line: number; text: string }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const seen = new Map<number, string>();
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) seen.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...seen.entries()]
    .sort(([a], [b]) => a - b)
    .map(([pos, comment]) => ({ line: source.getLineAndCharacterOfPosition(pos).line + 1, text: comment }));
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation removed, spaces become dashes. */
function slug(heading: string): string {
  const plain = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return plain.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks), duplicates numbered as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = !fence && line.match(/^#{1,6}\s+(.+?)\s*#*\s*$/);
    if (!m) continue;
    const base = slug(m[1]);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** The Markdown files cited in a comment, each with its anchor if any (web addresses aside). */
function citations(comment: string): { path: string; anchor: string | null }[] {
  const sansUrl = comment.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  const found: { path: string; anchor: string | null }[] = [];
  for (const m of sansUrl.matchAll(/(?<![\w./-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w.-]+\.md)\b(?:#([\p{L}\p{M}\p{N}_-]+))?/gu)) {
    found.push({ path: m[1], anchor: m[2] ?? null });
  }
  return found;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(path: string): Set<string> {
  let anchors = anchorCache.get(path);
  if (!anchors) {
    anchors = anchorsOf(readFileSync(join(ROOT, path), 'utf8'));
    anchorCache.set(path, anchors);
  }
  return anchors;
}

/** A cited path from the repository root (the project's convention), else from the citing file's folder. */
function resolvePath(path: string, fromFile: string): string | null {
  for (const candidate of [path, relative(ROOT, resolve(ROOT, dirname(fromFile), path))]) {
    if (!candidate.startsWith('..') && existsSync(join(ROOT, candidate))) return candidate;
  }
  return null;
}

/** What is wrong with one citation (null when it leads to an existing file and heading). */
function problem(where: string, fromFile: string, path: string, anchor: string | null): string | null {
  const target = resolvePath(path, fromFile);
  if (!target || !statSync(join(ROOT, target)).isFile()) return `${where} : ${path} n’est pas un fichier du dépôt`;
  if (anchor === null) return null;
  const anchors = anchorsOfFile(target);
  return anchors.has(anchor.toLowerCase()) ? null : `${where} : ${target} n’a pas de titre #${anchor}`;
}

describe('liens vers la documentation', () => {
  test('le calcul des ancres suit GitHub', () => {
    expect(slug('Consentement par SMS')).toBe('consentement-par-sms');
    expect(slug('Fournisseur d’identité')).toBe('fournisseur-didentité');
    expect(slug('Identité pivot')).toBe('identité-pivot');
    expect(slug('Fin du mandat')).toBe('fin-du-mandat');
    expect(slug('`sub` et `acr`')).toBe('sub-et-acr');
    expect([...anchorsOf('# A\n## Sources\n```\n## Pas un titre\n```\n### Sources\n')]).toEqual(['a', 'sources', 'sources-1']);
  });

  test('les citations se lisent dans les commentaires seulement', () => {
    const code = [
      '// Retention (db/domain/README.md#conservation), see also README.md.',
      "const url = 'docs/ailleurs.md'; /* tests/x.md#titre */",
      '// https://github.com/etalab/licence-ouverte/blob/master/LO.md is a web address',
    ].join('\n');
    const cites = commentsOf(code).flatMap((c) => citations(c.text).map((x) => ({ line: c.line, ...x })));
    expect(cites).toEqual([
      { line: 1, path: 'db/domain/README.md', anchor: 'conservation' },
      { line: 1, path: 'README.md', anchor: null },
      { line: 2, path: 'tests/x.md', anchor: 'titre' },
    ]);
    expect(problem('x.ts:1', 'x.ts', 'db/domain/README.md', 'conservation')).toBeNull();
    expect(problem('x.ts:1', 'x.ts', 'domain.md', null)).toBe('x.ts:1 : domain.md n’est pas un fichier du dépôt');
    expect(problem('x.ts:1', 'x.ts', 'db/domain/README.md', 'nulle-part')).toBe('x.ts:1 : db/domain/README.md n’a pas de titre #nulle-part');
  });

  test('chaque fichier .md cité dans un commentaire est dans le dépôt, avec le titre cité', () => {
    const files = FOLDERS.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(200);
    const problems: string[] = [];
    let count = 0;
    for (const file of files) {
      for (const comment of commentsOf(readFileSync(join(ROOT, file), 'utf8'), file)) {
        for (const { path, anchor } of citations(comment.text)) {
          count++;
          const p = problem(`${file}:${comment.line}`, file, path, anchor);
          if (p) problems.push(p);
        }
      }
    }
    expect(problems).toEqual([]);
    // The domain rules and the FranceConnect contract are cited from the code they describe.
    expect(count).toBeGreaterThan(40);
  });

  test('les liens des documents mènent à un fichier et à un titre', () => {
    const problems: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const href = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
        const [path, anchor] = href.split('#') as [string, string | undefined];
        const p = path
          ? problem(doc, doc, relative(ROOT, resolve(ROOT, dirname(doc), path)), anchor ?? null)
          : problem(doc, doc, doc, anchor ?? null);
        if (p) problems.push(p);
      }
    }
    expect(problems).toEqual([]);
  });

  test('les fichiers de code nommés par le README et les documents existent', () => {
    // `db/domain/mandat.ts`, `api/oidc/` from the root, or `mandat.ts` beside the document; names of other
    // repositories (the public service's `.py` files, FranceConnect's folders) are not ours to check.
    const problems: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const m of text.matchAll(/`([\w./-]+)`/g)) {
        const name = m[1];
        const ours = name.endsWith('.ts') || (name.endsWith('/') && FOLDERS.some((f) => name.startsWith(`${f}/`)));
        if (!ours || name.startsWith('/')) continue;
        // The README's tables name a folder once, then its files by their bare names.
        if (doc === 'README.md' && !name.includes('/')) continue;
        if (!resolvePath(name, doc)) problems.push(`${doc} : ${name} n’existe pas`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('chaque action du journal a sa ligne dans db/domain/README.md#journal', () => {
    const doc = readFileSync(join(ROOT, 'db/domain/README.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Journal\n'), doc.indexOf('\n## ', doc.indexOf('\n## Journal\n') + 1));
    const documentees = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    // A new action (db/domain/statuts.ts) needs its row: when it is written, and by which file.
    expect(ACTIONS_JOURNAL.filter((a) => !documentees.includes(a))).toEqual([]);
    expect(documentees.filter((a) => !(ACTIONS_JOURNAL as readonly string[]).includes(a))).toEqual([]);
  });

  test('les fichiers du dépôt nommés par les commentaires existent', () => {
    // A comment that says where something lives (« see db/temporal/processes/mandat.ts ») must stay true when
    // files move.
    const problems: string[] = [];
    const path = new RegExp(`\\b((?:${FOLDERS.join('|')})/[\\w./-]*\\.ts)\\b`, 'g');
    for (const file of FOLDERS.flatMap(sourceFiles)) {
      for (const comment of commentsOf(readFileSync(join(ROOT, file), 'utf8'), file)) {
        for (const m of comment.text.matchAll(path)) {
          if (!existsSync(join(ROOT, m[1]))) problems.push(`${file}:${comment.line} : ${m[1]} n’existe pas`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('le README nomme chaque fichier de code dans la ligne de son dossier, et rien qui n’existe pas', () => {
    // README « Organisation du code », table « Fichier par fichier »: a newcomer finds every file there.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const debut = readme.indexOf('### Fichier par fichier');
    const table = readme.slice(debut, readme.indexOf('\n\n', readme.indexOf('|---|', debut)));
    const lignes = new Map<string, string[]>();
    for (const m of table.matchAll(/^\| `([\w./-]+)\/` \| (.*) \|$/gm)) {
      lignes.set(m[1], [...m[2].matchAll(/`([\w.-]+\.ts)`/g)].map((n) => n[1]));
    }
    expect(lignes.size).toBeGreaterThan(30);
    const manquants = FOLDERS.filter((f) => f !== 'tests').flatMap(sourceFiles)
      .filter((file) => !lignes.get(dirname(file))?.includes(file.slice(dirname(file).length + 1)));
    expect(manquants).toEqual([]);
    const inconnus = [...lignes].flatMap(([dossier, noms]) => noms.filter((n) => !existsSync(join(ROOT, dossier, n))).map((n) => `${dossier}/${n}`));
    expect(inconnus).toEqual([]);
  });
});
