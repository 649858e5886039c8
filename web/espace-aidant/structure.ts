// « Changer de structure » (db/domain/README.md#plusieurs-structures): the header links here; the aidant picks
// one of their active structures, the switch is journaled and every scoped page follows. A structure the
// account does not belong to (forged form) is refused with the page again, nothing changed.
import { Router, type Request, type Response } from 'express';
import { flash, requireLogin, safeNext } from '../../api/auth/session.ts';
import { csrfToken } from '../../api/csrf.ts';
import { changerDeStructure, type StructureActive } from '../../api/espace-aidant/structures.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField } from '../ui/forms.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';

export const CHANGER_DE_STRUCTURE = '/espace-aidant/structure';

function changerDeStructurePage(o: { csrf: string; structures: StructureActive[]; courante: number | null; suivant: string; erreur?: string }): SafeHtml {
  const err = o.erreur;
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>Changer de structure</h1>
<p>Vous agissez pour une structure à la fois : vos usagers, les mandats que vous créez et les personnes proposées lors d’une connexion par FranceConnect sont ceux de la structure choisie. Le changement est inscrit au journal.</p>
${o.structures.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Votre compte n’appartient à aucune structure active : contactez votre référent.</p></div>`
    : html`<form method="post" action="${CHANGER_DE_STRUCTURE}">${csrfField(o.csrf)}
  <input type="hidden" name="suivant" value="${o.suivant}">
  <fieldset class="fr-fieldset${err ? ' fr-fieldset--error' : ''}" id="champ-structure" aria-labelledby="structure-legende${err ? ' structure-erreur' : ''}"${err ? html` role="group"` : ''}>
    <legend class="fr-fieldset__legend" id="structure-legende">Structure pour laquelle vous agissez</legend>
    ${o.structures.map((s) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="structure-${s.id}" name="structure_id" value="${s.id}"${s.id === o.courante ? html` checked` : ''} required>
      <label class="fr-label" for="structure-${s.id}">${s.name}${s.city ? html`<span class="fr-hint-text">${s.city}${s.id === o.courante ? ' — structure actuelle' : ''}</span>` : s.id === o.courante ? html`<span class="fr-hint-text">Structure actuelle</span>` : ''}</label>
    </div></div>`)}
    ${err ? html`<div class="fr-messages-group" id="structure-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${err}</p></div>` : ''}
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Agir pour cette structure</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${o.suivant}">Annuler</a></li>
  </ul>
</form>`}
</div></div>`;
}

export function changerDeStructureRouter(deps: WebDeps): Router {
  const router = Router();
  const show = (req: Request, res: Response, status = 200, erreur?: string) => {
    const suivant = safeNext(req.method === 'GET' ? req.query.suivant : req.body?.suivant, '/espace-aidant');
    res.status(status).send(render(req, {
      title: `${erreur ? 'Erreur — ' : ''}Changer de structure`,
      content: changerDeStructurePage({ csrf: csrfToken(req), structures: req.structuresAidant ?? [], courante: req.aidant!.current_structure_id, suivant, erreur }),
      breadcrumb: { parents: [{ label: 'Mon espace aidant', href: '/espace-aidant' }], current: 'Changer de structure' },
    }));
  };
  router.get(CHANGER_DE_STRUCTURE, requireLogin, (req, res) => show(req, res));
  router.post(CHANGER_DE_STRUCTURE, requireLogin, async (req, res) => {
    const r = await changerDeStructure(deps.db, req.aidant!.id, req.body?.structure_id);
    if (!r.ok) return show(req, res, 400, r.message);
    flash(req, 'success', `Vous agissez maintenant pour ${r.structure.name}.`);
    res.redirect(303, safeNext(req.body?.suivant, '/espace-aidant'));
  });
  return router;
}
