// Espace référent, habilitation part: the waiting list (/espace-referent/habilitation: the référent's aidants
// and their progress, withdrawing one not yet activated) and adding an aidant later
// (/espace-referent/habilitation/ajouter, on the staff's waiting list). Every action is scoped to the
// structures the référent manages (req.referentStructureIds): another one's is a 404.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, requireReferent } from '../../api/auth/session.ts';
import { validerAidant } from '../../db/domain/demande-habilitation.ts';
import { aidantRetirable } from '../../db/domain/habilitation.ts';
import { nombre } from '../../db/domain/francais.ts';
import {
  ajouterAidantEnListeAttente, consentirRattachement, demandeAidantDuReferent, demandesAidantDesStructures, emailsDejaDemandes, rattachementsAConsentir, RefusProcessus,
  retirerAidantEnFormationParLeReferent, retirerAidantEnListeAttente, structuresDuReferent,
} from '../../api/referent/habilitation.ts';
import { html } from '../ui/html.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { champTexte, jetonCsrf, liste, resumeErreurs, type Erreurs } from './champs.ts';
import { badgeAidant } from './frise.ts';
import { ESPACE_REFERENT, espaceReferent } from '../espace-referent/menu.ts';
import { etatVide } from '../espace-referent/pages.ts';

const LISTE = '/espace-referent/habilitation';
const AJOUTER = '/espace-referent/habilitation/ajouter';

export function referentHabilitationRouter(deps: WebDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use('/espace-referent/habilitation', requireReferent(db));

  router.get(LISTE, async (req, res) => {
    const [aidants, rattachements] = await Promise.all([
      demandesAidantDesStructures(db, req.referentStructureIds!),
      rattachementsAConsentir(db, req.referentStructureIds!),
    ]);
    const csrf = csrfToken(req);
    const content = espaceReferent('attente', html`<h1>Liste d'attente</h1>
${rattachements.length ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Vos aidants demandés par une autre structure</h2>
<p>Une autre structure demande à habiliter des aidants qui ont déjà un compte dans la vôtre. Son référent aurait alors les mêmes droits que vous sur leur compte (désactivation, moyens de connexion). Rien ne se fait sans votre accord.</p>
<ul>${rattachements.map((r) => html`<li>${r.first_name} ${r.last_name} (${r.email}) — demandé par « ${r.structure_name} »
<form method="post" action="${LISTE}/rattachements/${r.id}/accord" class="fr-mt-1w">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit" aria-label="Donner mon accord pour ${r.first_name} ${r.last_name}">Donner mon accord</button></form></li>`)}</ul>
<p>Si vous ne connaissez pas cette demande, ne donnez pas votre accord et prévenez l'équipe Aidants Connect.</p></div>` : ''}
<p>Les aidants à habiliter dans vos structures : en attente de l'équipe Aidants Connect, en formation, activés. Un aidant est activé quand sa formation et son test Pix sont enregistrés ; vous pouvez retirer un aidant tant qu'il n'est pas activé.</p>
${aidants.length ? html`<div class="fr-table"><table tabindex="0"><caption>Aidants de vos structures — ${nombre(aidants.length, 'demande', 'demandes')}</caption>
<thead><tr><th scope="col">Aidant</th><th scope="col">Structure</th><th scope="col">Statut</th><th scope="col">Action</th></tr></thead>
<tbody>${aidants.map((a) => html`<tr><td>${a.first_name} ${a.last_name}<br><span class="fr-text--sm">${a.email}</span></td><td>${a.structure_name}</td>
<td>${badgeAidant(a.status)}</td><td>${aidantRetirable(a.status) ? html`<form method="post" action="${LISTE}/aidants/${a.id}/retirer">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" aria-label="Retirer ${a.first_name} ${a.last_name}">Retirer</button></form>` : ''}</td></tr>`)}</tbody></table></div>`
  : etatVide('Aucun aidant en attente ni en formation pour le moment.', { label: 'Ajouter un aidant', href: AJOUTER })}
<p class="fr-mt-3w"><a class="fr-btn fr-btn--secondary fr-icon-add-line fr-btn--icon-left" href="${AJOUTER}">Ajouter un aidant</a></p>`);
    res.send(render(req, { title: "Liste d'attente — Espace référent", content, breadcrumb: { parents: [ESPACE_REFERENT], current: "Liste d'attente" } }));
  });

  async function formulaireAjout(req: Request, res: Response, status = 200, valeurs: Record<string, string> = {}, erreurs: Erreurs = {}) {
    const structures = await structuresDuReferent(db, req.referentStructureIds!);
    const content = espaceReferent('ajouter', html`<h1>Ajouter un aidant</h1>
<p>Ajoutez un professionnel de votre structure : l'équipe Aidants Connect examine la demande, puis l'aidant suit la formation et passe le test Pix avant d'être activé. Vous suivez chaque étape dans la <a href="${LISTE}">liste d'attente</a>.</p>
${resumeErreurs(erreurs)}
<form method="post" action="${LISTE}/aidants" novalidate>${jetonCsrf(csrfToken(req))}
  ${structures.length > 1 ? liste({ name: 'structure_id', label: 'Structure', options: structures.map((s) => [String(s.id), s.name]), value: valeurs.structure_id, erreur: erreurs.structure_id }) : html`<input type="hidden" name="structure_id" value="${String(structures[0]?.id ?? '')}">`}
  ${champTexte({ name: 'first_name', label: 'Prénom', value: valeurs.first_name, erreur: erreurs.first_name, autocomplete: 'off' })}
  ${champTexte({ name: 'last_name', label: 'Nom', value: valeurs.last_name, erreur: erreurs.last_name, autocomplete: 'off' })}
  ${champTexte({ name: 'email', label: 'Adresse e-mail professionnelle', aide: 'Nominative et individuelle (prenom.nom@structure.fr).', type: 'email', value: valeurs.email, erreur: erreurs.email, autocomplete: 'off' })}
  ${champTexte({ name: 'profession', label: 'Profession', value: valeurs.profession, erreur: erreurs.profession })}
  <button class="fr-btn" type="submit">Ajouter à la liste d'attente</button>
</form>`);
    res.status(status).send(render(req, { title: `${Object.keys(erreurs).length ? 'Erreur — ' : ''}Ajouter un aidant — Espace référent`, content, breadcrumb: { parents: [ESPACE_REFERENT], current: 'Ajouter un aidant' } }));
  }

  router.get(AJOUTER, (req, res) => formulaireAjout(req, res));

  router.post(`${LISTE}/aidants`, async (req, res) => {
    const structureId = Number(req.body?.structure_id);
    if (!req.referentStructureIds!.includes(structureId)) throw new HttpError(403, 'structure d’un autre référent');
    const ouverts = await emailsDejaDemandes(db, structureId);
    const { valeurs, erreurs } = validerAidant(req.body ?? {}, ouverts);
    if (erreurs.email === 'Cet aidant figure déjà dans la liste.') erreurs.email = 'Cet aidant a déjà une demande en cours ou est déjà habilité dans cette structure.';
    if (Object.keys(erreurs).length) return formulaireAjout(req, res, 400, { ...valeurs, structure_id: String(structureId) }, erreurs);
    await ajouterAidantEnListeAttente(db, { structureId, referentId: req.aidant!.id, valeurs });
    flash(req, 'success', `La demande pour ${valeurs.first_name} ${valeurs.last_name} est dans la liste d'attente de l'équipe Aidants Connect.`);
    res.redirect(303, LISTE);
  });

  router.post(`${LISTE}/rattachements/:aid/accord`, async (req, res) => {
    const id = Number(req.params.aid);
    // Only for an aidant of one of this référent's structures: anything else is not found.
    if (!Number.isInteger(id) || !(await consentirRattachement(db, { id: req.aidant!.id, structureIds: req.referentStructureIds! }, id))) {
      throw new HttpError(404, 'demande inconnue');
    }
    flash(req, 'success', "Votre accord est enregistré : l'équipe Aidants Connect peut maintenant instruire cette demande.");
    res.redirect(303, LISTE);
  });

  router.post(`${LISTE}/aidants/:aid/retirer`, async (req, res) => {
    const id = Number(req.params.aid);
    const a = await demandeAidantDuReferent(db, req.referentStructureIds!, id);
    if (!a) throw new HttpError(404, 'aidant inconnu');
    if (a.status === 'waiting_list') {
      await retirerAidantEnListeAttente(db, id);
    } else if (aidantRetirable(a.status)) {
      try {
        await retirerAidantEnFormationParLeReferent(deps.temporal, id);
      } catch (err) {
        if (!(err instanceof RefusProcessus)) throw err;
        flash(req, 'error', err.message);
        return res.redirect(303, LISTE);
      }
    } else {
      flash(req, 'error', "Cet aidant ne peut plus être retiré (déjà activé ou retiré) : rien n'a été modifié.");
      return res.redirect(303, LISTE);
    }
    flash(req, 'success', `La demande pour ${a.first_name} ${a.last_name} est retirée.`);
    res.redirect(303, LISTE);
  });

  return router;
}
