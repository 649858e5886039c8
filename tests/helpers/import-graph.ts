// The project's module graph, read with the TypeScript compiler's parser (no build, no extra tool), and the
// import rules of README « Organisation du code » applied to it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const FOLDERS = ['workflows', 'activities', 'workers', 'api', 'web', 'db', 'scripts', 'tests'];

export interface Edge { from: string; to: string; typeOnly: boolean }
export interface Graph { files: string[]; edges: Edge[] }

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : specifier;
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings
        && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0
        && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
      && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function importGraph(): Graph {
  const files = FOLDERS.flatMap(sourceFiles);
  return { files, edges: files.flatMap(importsOf) };
}

const top = (path: string) => (path.includes('/') ? path.split('/')[0] : '');
const isLocal = (path: string) => FOLDERS.includes(top(path));

/** What each folder may import at run time, besides itself and npm packages; type-only imports may also
 * reach into the layers whose shapes they describe (workflows' activity interface, workflow signatures). */
const ALLOWED: Record<string, { may: string[]; rule: string; packages?: (name: string) => boolean }> = {
  workflows: { may: [], rule: 'workflows n’importe que le SDK des workflows et des types', packages: (n) => n === '@temporalio/workflow' },
  activities: { may: ['db'], rule: 'activities n’importe que db (workers → activities → db)' },
  workers: { may: ['activities', 'workflows', 'db'], rule: 'workers n’importe que activities, workflows et db (workers → activities → db)' },
  api: { may: ['db'], rule: 'api n’importe que db (web → api → db)' },
  web: { may: ['api', 'db'], rule: 'web n’importe que api et db (web → api → db)' },
  db: { may: ['workflows'], rule: 'db n’importe que les déclarations des workflows (db → workflows)' },
  scripts: { may: ['workflows', 'activities', 'workers', 'api', 'web', 'db'], rule: 'rien hors de tests/ n’importe tests/' },
  tests: { may: FOLDERS, rule: '' },
};

/** The pages reach data through api's use cases; only the process's assembly (web/app.ts, web/main.ts) wires db. */
const WEB_PROCESS = ['web/app.ts', 'web/main.ts'];
const DATA_ACCESS = ['db/queries/', 'db/models/', 'db/temporal/processes/', 'db/migrations/', 'db/seed/'];

export function violations(graph: Graph): string[] {
  const out: string[] = [];
  for (const { from, to, typeOnly } of graph.edges) {
    const source = top(from);
    const rules = ALLOWED[source];
    if (!rules) continue;
    if (isLocal(to)) {
      const target = top(to);
      if (target === source) continue;
      if (target === 'tests') { out.push(`${from} → ${to} : rien hors de tests/ n’importe tests/`); continue; }
      if (source === 'web' && target === 'db' && !typeOnly && !WEB_PROCESS.includes(from) && DATA_ACCESS.some((d) => to.startsWith(d))) {
        out.push(`${from} → ${to} : web lit, écrit et démarre les processus par api (web → api → db)`);
        continue;
      }
      if (rules.may.includes(target)) continue;
      if (typeOnly && (source === 'workflows' || ['activities', 'workflows', 'db'].includes(target))) continue;
      out.push(`${from} → ${to} : ${rules.rule}`);
    } else if (rules.packages && !typeOnly && !rules.packages(to)) {
      out.push(`${from} → ${to} : ${rules.rule}`);
    }
  }
  return out;
}

/** Groups of folders that import one another at run time (strongly connected components, Tarjan), each
 * written as its members in order, back to the first; type-only imports leave no trace at run time. */
export function folderCycles(graph: Graph): string[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to, typeOnly } of graph.edges) {
    if (!isLocal(to) || typeOnly) continue;
    const a = dirname(from);
    const b = dirname(to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const connect = (v: string) => {
    indices.set(v, index); low.set(v, index); index += 1;
    stack.push(v); onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indices.has(w)) { connect(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); group.push(w); } while (w !== v);
      if (group.length > 1) {
        group.sort();
        cycles.push([...group, group[0]].join(' → '));
      }
    }
  };
  for (const v of [...next.keys()].sort()) if (!indices.has(v)) connect(v);
  return cycles.sort();
}
