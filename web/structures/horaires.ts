// A structure's opening hours (db/domain/horaires.ts): référents set theirs at /espace-referent/horaires, staff
// on the structure's page (/staff/structures/:id, web/staff/structures.ts). Another structure's id is a 404 for a référent. The alerts
// use them: a mandat created or used outside them is reported (README « Alertes »).
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireLogin, requireRecentTotp } from '../../api/auth/session.ts';
import { idDeRoute } from '../../api/mandats/acces.ts';
import { modifierHoraires, structuresHoraires, type StructureHoraires } from '../../api/structures/horaires.ts';
import { JOURS_ISO, NOMS_JOURS, PLAGES_PAR_JOUR, plagesEnFrancais } from '../../db/domain/horaires.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup } from '../ui/forms.ts';
import { render } from '../ui/render.ts';
import { ESPACE_REFERENT, espaceReferent } from '../espace-referent/menu.ts';
import type { WebDeps } from '../ui/deps.ts';

/** The week in words, one line a day. */
export function resumeHoraires(s: StructureHoraires): SafeHtml {
  const h = s.horaires;
  return html`<ul>${JOURS_ISO.map((j) => html`<li>${NOMS_JOURS[j]} : ${plagesEnFrancais(h.jours[j])}</li>`)}</ul>
<p>Jours fériés : ${h.ouvertJoursFeries ? 'ouvert (avec les horaires du jour)' : 'fermé'}.${h.parDefaut ? ' Horaires par défaut : la structure ne les a pas encore indiqués.' : ''}</p>`;
}

export function formulaireHoraires(s: StructureHoraires, csrf: string, action: string, erreurs: Record<string, string> = {}, saisie?: Record<string, string>): SafeHtml {
  const valeur = (j: number, n: number, quoi: 'debut' | 'fin') => {
    const champ = `j${j}_${quoi}${n}`;
    if (saisie) return saisie[champ] ?? '';
    const plage = s.horaires.jours[j as 1][n - 1];
    return plage ? plage[quoi === 'debut' ? 0 : 1] : '';
  };
  const feries = saisie ? saisie.feries === 'oui' : s.horaires.ouvertJoursFeries;
  return html`<form method="post" action="${action}" novalidate class="fr-mb-6w">
  ${csrfField(csrf)}
  ${errorSummary(erreurs)}
  <p class="fr-hint-text">Heure de Paris, au format HH:MM. Laissez vides les plages d’un jour de fermeture. Une création ou une utilisation de mandat en dehors de ces horaires donne lieu à une alerte.</p>
  ${JOURS_ISO.map((j) => html`<fieldset class="fr-fieldset" id="jour-${s.id}-${j}" aria-labelledby="legende-jour-${s.id}-${j}">
    <legend class="fr-fieldset__legend fr-text--md" id="legende-jour-${s.id}-${j}">${NOMS_JOURS[j]}</legend>
    ${Array.from({ length: PLAGES_PAR_JOUR }, (_, i) => i + 1).map((n) => html`<div class="fr-fieldset__element fr-fieldset__element--inline">
      ${inputGroup({ name: `j${j}_debut${n}`, label: `Ouverture${n > 1 ? ` (plage ${n})` : ''}`, type: 'time', value: valeur(j, n, 'debut'), error: erreurs[`j${j}_debut${n}`] })}
    </div><div class="fr-fieldset__element fr-fieldset__element--inline">
      ${inputGroup({ name: `j${j}_fin${n}`, label: `Fermeture${n > 1 ? ` (plage ${n})` : ''}`, type: 'time', value: valeur(j, n, 'fin') })}
    </div>`)}
  </fieldset>`)}
  <div class="fr-checkbox-group fr-mb-3w">
    <input type="checkbox" id="feries-${s.id}" name="feries" value="oui"${feries ? html` checked` : ''}>
    <label class="fr-label" for="feries-${s.id}">Ouvert les jours fériés</label>
  </div>
  <button class="fr-btn" type="submit">Enregistrer<span class="fr-sr-only"> les horaires de ${s.name}</span></button>
</form>`;
}

const saisieDe = (req: Request) =>
  Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;

export function horairesRouter(deps: WebDeps): Router {
  const router = Router();
  const referent = [requireLogin, requireRecentTotp];

  const pageReferent = (req: Request, structures: StructureHoraires[], enErreur?: { id: number; erreurs: Record<string, string> }) =>
    render(req, {
      title: 'Horaires d’ouverture',
      breadcrumb: { parents: [ESPACE_REFERENT] },
      content: espaceReferent('horaires', html`<h1>Horaires d’ouverture</h1>
${structures.map((s) => html`<h2>${s.name}</h2>${formulaireHoraires(s, csrfToken(req), `/espace-referent/horaires/${s.id}`, enErreur?.id === s.id ? enErreur.erreurs : {}, enErreur?.id === s.id ? saisieDe(req) : undefined)}`)}`),
    });

  const refuse = (req: Request, res: Response) =>
    res.status(403).send(render(req, { title: 'Accès refusé', content: html`<h1>Accès refusé</h1><p>Cette page est réservée aux référents d’une structure.</p>` }));

  router.get('/espace-referent/horaires', ...referent, async (req, res) => {
    const structures = await structuresHoraires(deps.db, { id: req.aidant!.id, is_staff: false });
    if (!structures.length) return refuse(req, res);
    res.send(pageReferent(req, structures));
  });

  router.post('/espace-referent/horaires/:id', ...referent, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const r = id ? await modifierHoraires(deps.db, { id: req.aidant!.id, is_staff: false }, id, req.body ?? {}) : null;
    if (!r) return res.status(404).send(render(req, { title: 'Structure introuvable', content: html`<h1>Structure introuvable</h1><p>Cette structure n’existe pas ou ne dépend pas de vous.</p><p><a class="fr-link" href="/espace-referent/horaires">Retour aux horaires</a></p>` }));
    if (!r.ok) {
      const structures = await structuresHoraires(deps.db, { id: req.aidant!.id, is_staff: false });
      return res.status(400).send(pageReferent(req, structures, { id: r.structure.id, erreurs: r.erreurs }));
    }
    flash(req, 'success', `Les horaires d’ouverture de ${r.structure.name} sont enregistrés.`);
    res.redirect(303, '/espace-referent/horaires');
  });

  return router;
}
