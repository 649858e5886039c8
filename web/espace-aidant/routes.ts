// The aidant's own page after login: account, structure, démarches allowed, devices.
import { Router } from 'express';
import { flash, requireLogin, requireRecentTotp } from '../../api/auth/session.ts';
import { csrfToken } from '../../api/csrf.ts';
import { DeviceError, resynchroniserCarte } from '../../api/referent/devices.ts';
import { csrfField, inputGroup } from '../forms.ts';
import { DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import { html } from '../html.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';

export function espaceAidantRouter(deps: WebDeps): Router {
  const router = Router();
  router.get('/espace-aidant', requireLogin, async (req, res) => {
    const aidant = req.aidant!;
    const structure = aidant.current_structure_id ? await deps.db('structures').where({ id: aidant.current_structure_id }).first() : null;
    const devices = await deps.db('totp_devices').leftJoin('totp_cards', 'totp_cards.id', 'totp_devices.card_id').where({ aidant_id: aidant.id, confirmed: true }).select('kind', 'serial_number');
    const content = html`<h1>Bonjour ${aidant.first_name}</h1>
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre structure</h2>
    <div class="fr-card__desc">${structure ? html`<p>${structure.name}<br>${structure.address} ${structure.postal_code} ${structure.city}</p>
      <p>Démarches autorisées :</p><ul>${(structure.allowed_demarches as Demarche[]).map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>` : html`<p>Aucune structure n’est associée à votre compte.</p>`}</div>
  </div></div></div></div>
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre compte</h2>
    <div class="fr-card__desc"><p>${aidant.email}</p>
      <p>Moyens de connexion : ${devices.length ? devices.map((d: { kind: string; serial_number: string | null }) => (d.kind === 'card' ? `carte ${d.serial_number}` : 'application')).join(', ') : 'aucun'}</p>
      <p>Sans connexion pendant 5 mois, vous recevrez un courriel d’avertissement ; sans connexion le mois suivant, votre compte sera désactivé.</p>
      ${devices.some((d: { kind: string }) => d.kind === 'card') ? html`<form method="post" action="/espace-aidant/carte/resynchronisation" novalidate>${csrfField(csrfToken(req))}
        <p>Votre carte n’est plus reconnue (son horloge a dérivé) ? Saisissez le code qu’elle affiche pour la resynchroniser.</p>
        ${inputGroup({ name: 'code', label: 'Code affiché sur la carte', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7 })}
        <button class="fr-btn fr-btn--secondary" type="submit">Resynchroniser ma carte</button></form>` : ''}</div>
  </div></div></div></div>
</div>`;
    res.send(render(req, { title: 'Mon espace', content }));
  });

  // Logged in by another means (an app) and behind a fresh code: the aidant may resynchronise their own card.
  router.post('/espace-aidant/carte/resynchronisation', requireLogin, requireRecentTotp, async (req, res) => {
    const aidant = req.aidant!;
    try {
      await resynchroniserCarte(deps.db, { referentId: aidant.id, structureId: aidant.current_structure_id }, aidant.id, req.body?.code);
      flash(req, 'success', 'Carte resynchronisée : vous pouvez de nouveau vous connecter avec.');
    } catch (err) {
      if (!(err instanceof DeviceError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, '/espace-aidant');
  });
  return router;
}
