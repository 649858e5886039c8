// The staff's page on the journal's integrity (/staff/journal): the chain's lanes and their heads, and a button that checks the
// whole chain (api/staff/journal.ts) and names the first broken row, then every other break. The anchors archived daily are checked by
// the command (`npm run verifier-journal -- --ancre <fichier>`): the files live on the worker's machine.
import { Router } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import { declencheurJournal, etatJournal, verifierJournal, type EtatChaine, type VerdictChaine } from '../../api/staff/journal.ts';
import { NOMBRE_VOIES_JOURNAL, messageRupture } from '../../db/domain/chaine-journal.ts';
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
<p>${nombre(v.lignes)} ${v.lignes > 1 ? 'lignes vérifiées' : 'ligne vérifiée'} en ${secondes(v.dureeMs)} : chaque ligne porte l’empreinte de son contenu et de la précédente de sa voie.</p></div>`;
  }
  const autres = v.ruptures.slice(1);
  return html`<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">Chaîne rompue</h2>
<p>${messageRupture(v.rupture!)}. ${nombre(v.intactesAvant)} ${v.intactesAvant > 1 ? 'lignes intactes' : 'ligne intacte'} avant elle.</p>
<p>${v.nombreRuptures > 1 ? `${nombre(v.nombreRuptures)} ruptures en tout` : 'Aucune autre rupture'} sur ${nombre(v.lignes)} ${v.lignes > 1 ? 'lignes vérifiées' : 'ligne vérifiée'} : après une rupture, chaque ligne est vérifiée par rapport à la précédente telle qu’elle est.</p>
<p>Le journal a été modifié dans la base de données en dehors de l’application : prévenez l’administrateur technique et conservez les ancres archivées.</p></div>
${autres.length ? html`<h2 class="fr-h4">Autres ruptures${v.nombreRuptures > v.ruptures.length ? ` (les ${nombre(v.ruptures.length)} premières sur ${nombre(v.nombreRuptures)})` : ''}</h2>
<ul>${autres.map((r) => html`<li>${messageRupture(r)}</li>`)}</ul>` : ''}`;
}

/** Each lane's head: its row count and the hash of its last row (a table, as there may be up to 8). */
function tetes(etat: EtatChaine): SafeHtml {
  if (etat.voies.length === 0) return html`<p>Le journal est vide.</p>`;
  if (etat.voies.length === 1 && etat.voies[0].voie === 0) {
    const t = etat.voies[0];
    return html`<p>Le journal compte ${nombre(t.rang)} ${t.rang > 1 ? 'lignes' : 'ligne'}. Empreinte de la dernière (n°&nbsp;${t.id}) :</p>
<p><code>${groupes(t.hash)}</code></p>`;
  }
  return html`<p>Le journal compte ${nombre(etat.lignes)} lignes, dans ${etat.voies.length} voies. Empreinte de l’ensemble (racine) :</p>
<p><code>${groupes(etat.racine)}</code></p>
<div class="fr-table"><table><caption>Tête de chaque voie</caption>
<thead><tr><th scope="col">Voie</th><th scope="col">Lignes</th><th scope="col">Dernière ligne</th><th scope="col">Son empreinte</th></tr></thead>
<tbody>${etat.voies.map((t) => html`<tr><td>${t.voie}</td><td>${nombre(t.rang)}</td><td>n°&nbsp;${t.id}</td><td><code>${groupes(t.hash)}</code></td></tr>`)}</tbody>
</table></div>`;
}

/** Who computes the hashes: said on the page, and an alert when nothing does (README « Déclencheur en C »). */
function calcul(declencheur: 'c' | 'plpgsql' | null): SafeHtml {
  if (declencheur === null) {
    return html`<div class="fr-alert fr-alert--error fr-mb-4w" role="alert"><h2 class="fr-alert__title">Aucun déclencheur ne chaîne le journal</h2>
<p>Toute écriture au journal est refusée, donc aussi les actions qui en écrivent. Prévenez l’administrateur technique : <code>npm run installer-chaine-c</code> (ou, sans la bibliothèque, <code>npm run installer-chaine-c -- --plpgsql</code>).</p></div>`;
  }
  return declencheur === 'c'
    ? html`<p>Les empreintes sont calculées par un déclencheur en C dans PostgreSQL.</p>`
    : html`<p>Les empreintes sont calculées par un déclencheur en PL/pgSQL dans PostgreSQL (le même calcul que celui en C, plus lent : l’administrateur technique peut installer celui en C avec <code>npm run installer-chaine-c</code>).</p>`;
}

export function journalPage(opts: { csrf: string; etat: EtatChaine; declencheur: 'c' | 'plpgsql' | null; resultat?: VerdictChaine }): SafeHtml {
  return html`<h1>Intégrité du journal</h1>
${opts.declencheur === null ? calcul(null) : ''}
${opts.resultat ? verdict(opts.resultat) : ''}
<p>Chaque ligne du journal porte l’empreinte SHA-256 de son contenu et de l’empreinte de la ligne précédente, calculée
par la base de données à l’écriture : une ligne modifiée, supprimée ou déplacée rompt la chaîne à cet endroit. Pour que
des écritures simultanées ne s’attendent pas, la chaîne a jusqu’à ${NOMBRE_VOIES_JOURNAL} voies, chacune une chaîne complète ; chaque
connexion à la base garde sa voie tant qu’elle la trouve libre : à faible charge, peu de voies servent.</p>
${opts.declencheur === null ? '' : calcul(opts.declencheur)}
${tetes(opts.etat)}
<form method="post" action="/staff/journal">${csrfField(opts.csrf)}
  <button class="fr-btn" type="submit">Vérifier toute la chaîne</button>
</form>
<h2 class="fr-h4 fr-mt-6w">Ancres quotidiennes</h2>
<p>Chaque jour, le worker écrit la tête de chaque voie, leur racine, le nombre de lignes et la date dans un fichier
<code>ancres-journal/ancre-journal-AAAA-MM-JJ.json</code> de son dossier de données, et dans ses journaux. Archivées hors de la base,
elles révèlent une réécriture de toute la chaîne : <code>npm run verifier-journal -- --ancre &lt;fichier&gt;</code>.</p>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/staff">Retour à l’espace équipe</a></p>`;
}

export function journalStaffRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/staff/journal', requireStaff, requireRecentTotp);

  router.get('/staff/journal', async (req, res) => {
    res.send(render(req, { title: 'Intégrité du journal', breadcrumb: FIL, content: journalPage({ csrf: csrfToken(req), etat: await etatJournal(deps.db), declencheur: await declencheurJournal(deps.db) }) }));
  });

  router.post('/staff/journal', async (req, res) => {
    const resultat = await verifierJournal(deps.db);
    res.send(render(req, { title: 'Intégrité du journal', breadcrumb: FIL, content: journalPage({ csrf: csrfToken(req), etat: await etatJournal(deps.db), declencheur: await declencheurJournal(deps.db), resultat }) }));
  });

  return router;
}
