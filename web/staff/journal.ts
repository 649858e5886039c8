// The staff's page on the journal's integrity (/staff/journal): the chain's head, and a button that checks the
// whole chain (api/staff/journal.ts) and names the first broken row. The anchors archived daily are checked by
// the command (`npm run verifier-journal -- --ancre <fichier>`): the files live on the worker's machine.
import { Router } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import { etatJournal, verifierJournal, type TeteChaine, type VerdictChaine } from '../../api/staff/journal.ts';
import { messageRupture } from '../../db/domain/chaine-journal.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField } from '../ui/forms.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';

/** A hash in groups of 16 characters, so that it wraps on a phone. */
const groupes = (hash: string) => hash.match(/.{1,16}/g)!.join(' ');
const FIL = { parents: [{ label: 'Équipe', href: '/staff' }], current: 'Intégrité du journal' };
const nombre = (n: number) => n.toLocaleString('fr-FR');
const secondes = (ms: number) => `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })}\u00a0s`;

function verdict(v: VerdictChaine): SafeHtml {
  if (v.ok) {
    return html`<div class="fr-alert fr-alert--success fr-mb-4w" role="status"><h2 class="fr-alert__title">Chaîne intacte</h2>
<p>${nombre(v.lignes)} ${v.lignes > 1 ? 'lignes vérifiées' : 'ligne vérifiée'} en ${secondes(v.dureeMs)} : chaque ligne porte l’empreinte de son contenu et de la précédente.</p></div>`;
  }
  return html`<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">Chaîne rompue</h2>
<p>${messageRupture(v.rupture!)}. ${nombre(v.lignes)} ${v.lignes > 1 ? 'lignes intactes' : 'ligne intacte'} avant elle.</p>
<p>Le journal a été modifié dans la base de données en dehors de l’application : prévenez l’administrateur technique et conservez les ancres archivées.</p></div>`;
}

export function journalPage(opts: { csrf: string; tete: TeteChaine | null; resultat?: VerdictChaine }): SafeHtml {
  return html`<h1>Intégrité du journal</h1>
${opts.resultat ? verdict(opts.resultat) : ''}
<p>Chaque ligne du journal porte l’empreinte SHA-256 de son contenu et de l’empreinte de la ligne précédente, calculée
par la base de données à l’écriture : une ligne modifiée, supprimée ou déplacée rompt la chaîne à cet endroit.</p>
${opts.tete
    ? html`<p>Le journal compte ${nombre(opts.tete.rang)} ${opts.tete.rang > 1 ? 'lignes' : 'ligne'}. Empreinte de la dernière (n°&nbsp;${opts.tete.id}) :</p>
<p><code>${groupes(opts.tete.hash)}</code></p>`
    : html`<p>Le journal est vide.</p>`}
<form method="post" action="/staff/journal">${csrfField(opts.csrf)}
  <button class="fr-btn" type="submit">Vérifier toute la chaîne</button>
</form>
<h2 class="fr-h4 fr-mt-6w">Ancres quotidiennes</h2>
<p>Chaque jour, le worker écrit l’empreinte de tête, le nombre de lignes et la date dans un fichier
<code>ancres-journal/ancre-journal-AAAA-MM-JJ.json</code> de son dossier de données, et dans ses journaux. Archivées hors de la base,
elles révèlent une réécriture de toute la chaîne : <code>npm run verifier-journal -- --ancre &lt;fichier&gt;</code>.</p>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/staff">Retour à l’espace équipe</a></p>`;
}

export function journalStaffRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/staff/journal', requireStaff, requireRecentTotp);

  router.get('/staff/journal', async (req, res) => {
    res.send(render(req, { title: 'Intégrité du journal', breadcrumb: FIL, content: journalPage({ csrf: csrfToken(req), tete: await etatJournal(deps.db) }) }));
  });

  router.post('/staff/journal', async (req, res) => {
    const resultat = await verifierJournal(deps.db);
    res.send(render(req, { title: 'Intégrité du journal', breadcrumb: FIL, content: journalPage({ csrf: csrfToken(req), tete: await etatJournal(deps.db), resultat }) }));
  });

  return router;
}
