// Setting a structure's allowed démarches: référents for their structures (/espace-referent/demarches), staff
// for any structure (the form on /staff/structures/:id). Another structure's id is a 404 for a référent.
import { de } from '../../db/domain/francais.ts';
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireLogin, requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import { idDeRoute } from '../../api/mandats/acces.ts';
import { modifierDemarchesAutorisees, structureModifiable, structuresModifiables, validerDemarchesStructure, type StructureDemarches } from '../../api/structures/demarches.ts';
import { DEMARCHES, TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary } from '../ui/forms.ts';
import { render } from '../ui/render.ts';
import { ESPACE_REFERENT, espaceReferent } from '../espace-referent/menu.ts';
import type { WebDeps } from '../ui/deps.ts';

/** Also on the staff's structure page (web/staff/structures.ts). */
export function formulaire(s: StructureDemarches, csrf: string, action: string, erreur?: string): SafeHtml {
  return html`<form method="post" action="${action}" novalidate class="fr-mb-6w">
  ${csrfField(csrf)}
  <fieldset class="fr-fieldset${erreur ? ' fr-fieldset--error' : ''}" id="champ-demarches-${s.id}" aria-labelledby="legende-${s.id}${erreur ? ` erreur-${s.id}` : ''}">
    <legend class="fr-fieldset__legend" id="legende-${s.id}">Démarches autorisées pour ${s.name}
      <span class="fr-hint-text">Retirer une démarche n’annule pas les mandats en cours : elle ne pourra simplement plus être choisie pour un nouveau mandat.</span></legend>
    ${TOUTES_LES_DEMARCHES.map((d) => html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
      <input type="checkbox" id="s${s.id}-${d}" name="demarches" value="${d}"${s.allowed_demarches.includes(d) ? html` checked` : ''}>
      <label class="fr-label" for="s${s.id}-${d}">${DEMARCHES[d].titre}</label></div></div>`)}
    ${erreur ? html`<div class="fr-messages-group" id="erreur-${s.id}" aria-live="assertive"><p class="fr-message fr-message--error">${erreur}</p></div>` : ''}
  </fieldset>
  <button class="fr-btn" type="submit">Enregistrer<span class="fr-sr-only"> les démarches ${de(s.name)}</span></button>
</form>`;
}

export function demarchesStructuresRouter(deps: WebDeps): Router {
  const router = Router();
  const referent = [requireLogin, requireRecentTotp];

  router.get('/espace-referent/demarches', ...referent, async (req, res) => {
    const structures = await structuresModifiables(deps.db, { id: req.aidant!.id, is_staff: false });
    if (!structures.length) return res.status(403).send(render(req, { title: 'Accès refusé', content: html`<h1>Accès refusé</h1><p>Cette page est réservée aux référents d’une structure.</p>` }));
    res.send(render(req, {
      title: 'Démarches autorisées',
      breadcrumb: { parents: [ESPACE_REFERENT] },
      content: espaceReferent('demarches', html`<h1>Démarches autorisées</h1>${structures.map((s) => formulaire(s, csrfToken(req), `/espace-referent/demarches/${s.id}`))}`),
    }));
  });

  const enregistrer = (retour: (id: number) => string, estStaff: boolean) => async (req: Request, res: Response) => {
    const id = idDeRoute(req.params.id);
    const structure = id ? await structureModifiable(deps.db, { id: req.aidant!.id, is_staff: estStaff }, id) : null;
    if (!structure) return res.status(404).send(render(req, { title: 'Structure introuvable', content: html`<h1>Structure introuvable</h1><p>Cette structure n’existe pas ou ne dépend pas de vous.</p>` }));
    const choix = validerDemarchesStructure(req.body?.demarches);
    if (!choix.ok) {
      return res.status(400).send(render(req, {
        title: 'Démarches autorisées',
        content: html`<h1>Démarches autorisées</h1>${errorSummary({ [`demarches-${structure.id}`]: choix.erreur })}${formulaire(structure, csrfToken(req), req.originalUrl, choix.erreur)}`,
      }));
    }
    await modifierDemarchesAutorisees(deps.db, structure.id, choix.demarches);
    flash(req, 'success', `Les démarches autorisées pour ${structure.name} sont enregistrées.`);
    res.redirect(303, retour(structure.id));
  };
  router.post('/espace-referent/demarches/:id', ...referent, enregistrer(() => '/espace-referent/demarches', false));

  // The staff's list and structure page are in web/staff/structures.ts; the démarches form posts here.
  router.post('/staff/structures/:id', requireStaff, requireRecentTotp, enregistrer((id) => `/staff/structures/${id}`, true));
  return router;
}
