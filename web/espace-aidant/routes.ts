// The aidant's own page after login: account, structure, démarches allowed, devices.
import { Router } from 'express';
import { requireLogin } from '../../api/auth/session.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { moyensDeConnexion, structureCourante } from '../../api/espace-aidant/compte.ts';
import { html } from '../html.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';

export function espaceAidantRouter(deps: WebDeps): Router {
  const router = Router();
  router.get('/espace-aidant', requireLogin, async (req, res) => {
    const aidant = req.aidant!;
    const [structure, devices] = await Promise.all([structureCourante(deps.db, aidant.current_structure_id), moyensDeConnexion(deps.db, aidant.id)]);
    const content = html`<h1>Bonjour ${aidant.first_name}</h1>
${aidant.can_create_mandats && structure ? html`<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-4w">
  <li><a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/mandats/nouveau">Créer un mandat</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/usagers">Mes usagers et leurs mandats</a></li>
</ul>` : ''}
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre structure</h2>
    <div class="fr-card__desc">${structure ? html`<p>${structure.name}<br>${structure.address} ${structure.postal_code} ${structure.city}</p>
      <p>Démarches autorisées :</p><ul>${structure.allowed_demarches.map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>` : html`<p>Aucune structure n’est associée à votre compte.</p>`}</div>
  </div></div></div></div>
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre compte</h2>
    <div class="fr-card__desc"><p>${aidant.email}</p>
      <p>Moyens de connexion : ${devices.length ? devices.map((d) => (d.kind === 'card' ? `carte ${d.serial_number}` : 'application')).join(', ') : 'aucun'}</p>
      <p>Sans connexion pendant 5 mois, vous recevrez un courriel d’avertissement ; sans connexion le mois suivant, votre compte sera désactivé.</p></div>
  </div></div></div></div>
</div>`;
    res.send(render(req, { title: 'Mon espace', content }));
  });
  return router;
}
