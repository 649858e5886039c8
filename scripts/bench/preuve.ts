// Bench of the printed proof on a database holding `mandats` mandats (each with its proof, as created):
// - PDFs per second: the mandat read for its structure and laid out as a PDF (two copies, footer, QR code),
//   one after another on one core, as the web process does for one request;
// - the public verification page over HTTP (the whole app: sessions, CSP, rate limit, hash re-checked,
//   journal row written): p50/p95 latency with `enParallele` clients. Each request comes from its own
//   address (X-Forwarded-For) so that the per-address limit measures its cost without refusing.
// A report, not a test: timings depend on the machine.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../web/app.ts';
import { documentMandat } from '../../api/mandats/preuve.ts';
import type { Db } from '../../db/connection.ts';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';
import { dateExpirationMandat, DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { formaterCode, urlVerification } from '../../db/domain/preuve-mandat.ts';
import { preuveDuMandat } from '../../db/queries/preuves.ts';
import { pdfMandat } from '../../web/mandats/pdf/mandat.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `n` mandats of one structure, each written as the creation writes it (proof hash in the journal, code). */
async function mandatsDuBanc(db: Db, n: number): Promise<{ structureId: number; mandats: { id: number; code: string }[] }> {
  const [{ id: structureId }] = await db('structures')
    .insert({ name: 'Structure du banc de la preuve', type: 'autre', address: '1 rue du Banc', postal_code: '75001', city: 'Paris' }).returning('id');
  const [{ id: aidantId }] = await db('aidants')
    .insert({ email: 'preuve@banc.example.test', first_name: 'Aidant', last_name: 'du Banc', current_structure_id: structureId }).returning('id');
  const mandats: { id: number; code: string }[] = [];
  const maintenant = new Date();
  for (let i = 0; i < n; i += 200) {
    const lot = Array.from({ length: Math.min(200, n - i) }, (_, k) => i + k);
    await db.transaction(async (trx) => {
      const usagers: { id: number }[] = await trx('usagers').insert(lot.map((k) => ({
        sub: randomBytes(32).toString('hex'), given_name: 'Camille Marie', family_name: `USAGER${k}`, birthdate: '1970-01-01', gender: 'female',
        birthplace: '75107', birthcountry: '99100', email: `usager-${k}@banc.example.test`,
      }))).returning('id');
      for (const [j, u] of usagers.entries()) {
        const demarches = [TOUTES_LES_DEMARCHES[j % 10], TOUTES_LES_DEMARCHES[(j + 3) % 10]];
        const [m] = await trx('mandats').insert({
          structure_id: structureId, usager_id: u.id, aidant_id: aidantId, created_at: maintenant,
          expires_at: dateExpirationMandat(maintenant, 'LONG'), duree_keyword: 'LONG',
        }).returning('id');
        await trx('autorisations').insert(demarches.map((demarche) => ({ mandat_id: m.id, demarche })));
        const preuve = await preuveDuMandat(trx, m.id);
        await trx('journal').insert({
          action: 'create_attestation', aidant_id: aidantId, structure_id: structureId, usager_id: u.id, mandat_id: m.id,
          demarche: [...demarches].sort().join(','), duree: DUREES_MANDAT.LONG.jours, attestation_hash: preuve.attestationHash,
        });
        mandats.push({ id: m.id, code: preuve.code });
      }
    });
  }
  return { structureId, mandats };
}

export interface ResultatBenchPreuve {
  mandats: number;
  pdf: { n: number; parSeconde: number; p50: number; p95: number; octetsMoyens: number };
  verification: { n: number; enParallele: number; parSeconde: number; p50: number; p95: number; echecs: number };
}

export async function benchPreuve(opts: { db: Db; mandats: number; pdfs: number; verifications: number; enParallele: number }): Promise<ResultatBenchPreuve> {
  const { db } = opts;
  const { structureId, mandats } = await mandatsDuBanc(db, opts.mandats);
  const publicUrl = 'http://127.0.0.1';

  // PDFs, one after another (a warm-up first: fonts and code paths loaded once per process).
  await pdfMandat((await documentMandat(db, structureId, mandats[0].id))!, urlVerification(publicUrl, mandats[0].code));
  const dureesPdf: number[] = [];
  let octets = 0;
  const debutPdf = performance.now();
  for (let i = 0; i < opts.pdfs; i++) {
    const m = mandats[i % mandats.length];
    const t0 = performance.now();
    const d = await documentMandat(db, structureId, m.id);
    octets += (await pdfMandat(d!, urlVerification(publicUrl, m.code))).length;
    dureesPdf.push(performance.now() - t0);
  }
  const totalPdf = performance.now() - debutPdf;
  dureesPdf.sort((a, b) => a - b);

  // The public page, through the whole app.
  const app = createApp({
    db, temporal: async () => { throw new Error('Temporal non utilisé par la vérification'); },
    // Each check comes from its own address (X-Forwarded-For), believed only from a trusted proxy: here the
    // bench itself, on the loopback (TRUST_PROXY is none by default).
    trustProxy: 'loopback',
    sessionSecret: 'bench-session-secret-long-enough-0123456789', logger: (await import('pino')).default({ level: 'warn' }),
  });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dureesVerif: number[] = [];
  let echecs = 0;
  let suivant = 0;
  const debutVerif = performance.now();
  await Promise.all(Array.from({ length: opts.enParallele }, async () => {
    while (suivant < opts.verifications) {
      const i = suivant++;
      const m = mandats[(i * 7919) % mandats.length];
      const t0 = performance.now();
      const res = await fetch(`${base}/verifier/${formaterCode(m.code)}`, {
        headers: { accept: 'text/html', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      });
      const page = await res.text();
      dureesVerif.push(performance.now() - t0);
      if (res.status !== 200 || !page.includes('Mandat valide')) echecs++;
    }
  }));
  const totalVerif = performance.now() - debutVerif;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  dureesVerif.sort((a, b) => a - b);

  return {
    mandats: mandats.length,
    pdf: { n: opts.pdfs, parSeconde: (opts.pdfs * 1000) / totalPdf, p50: percentile(dureesPdf, 50), p95: percentile(dureesPdf, 95), octetsMoyens: octets / opts.pdfs },
    verification: {
      n: opts.verifications, enParallele: opts.enParallele, parSeconde: (opts.verifications * 1000) / totalVerif,
      p50: percentile(dureesVerif, 50), p95: percentile(dureesVerif, 95), echecs,
    },
  };
}

/** The report's lines, as scripts/bench.ts prints them (label, value). */
export function lignesBenchPreuve(r: ResultatBenchPreuve): [string, string][] {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return [
    [`PDF du mandat (${r.pdf.n}, base de ${r.mandats.toLocaleString('fr-FR')} mandats)`, `${r.pdf.parSeconde.toFixed(1)} par seconde sur un cœur ; p50 ${ms(r.pdf.p50)}, p95 ${ms(r.pdf.p95)} ; ${Math.round(r.pdf.octetsMoyens / 1024)} Ko en moyenne`],
    [`page de vérification (${r.verification.n}, ${r.verification.enParallele} en parallèle)`, `p50 ${ms(r.verification.p50)}, p95 ${ms(r.verification.p95)} ; ${Math.round(r.verification.parSeconde)} par seconde ; ${r.verification.echecs} échec(s)`],
  ];
}
