// CPU time of processes as Linux counts it in /proc/<pid>/stat (user + system, all threads, in clock ticks of
// 10 ms), for the benches that say which process a piece of work costs. A process's children count too: the
// live ones read one by one, the exited ones through the parent's cutime/cstime (PostgreSQL's backends come
// and go with connections, the postmaster waits for each).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface Stat { pid: number; ppid: number; comm: string; propre: number; enfantsFinis: number }

function lireStat(pid: number): Stat | null {
  let texte: string;
  try {
    texte = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // The command name is in parentheses and may hold spaces: the fields are counted after its closing one.
  const fin = texte.lastIndexOf(')');
  const champs = texte.slice(fin + 2).split(' ');
  // champs[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const n = (champ: number) => Number(champs[champ - 3]);
  return { pid, ppid: n(4), comm: texte.slice(texte.indexOf('(') + 1, fin), propre: n(14) + n(15), enfantsFinis: n(16) + n(17) };
}

function tousLesProcessus(): Stat[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => lireStat(Number(d))).filter((s): s is Stat => s !== null);
}

/** CPU milliseconds spent so far by `pid` and its descendants, the exited ones included. */
export function cpuMs(pid: number): number {
  const tous = tousLesProcessus();
  const racine = tous.find((s) => s.pid === pid);
  if (!racine) throw new Error(`processus ${pid} introuvable dans /proc`);
  let ticks = racine.propre + racine.enfantsFinis;
  const aVoir = [pid];
  while (aVoir.length) {
    const parent = aVoir.pop()!;
    for (const s of tous) {
      if (s.ppid !== parent) continue;
      ticks += s.propre + s.enfantsFinis; // a live child: its own time, and that of its own exited children
      aVoir.push(s.pid);
    }
  }
  return ticks * TICK_MS;
}

/** The pid of a child of `parent` whose command name matches, or null. */
export function enfantNomme(parent: number, nom: RegExp): number | null {
  return tousLesProcessus().find((s) => s.ppid === parent && nom.test(s.comm))?.pid ?? null;
}
