// Espace référent, habilitation part (/espace-referent/habilitation): the référent's aidants and their
// progress, adding an aidant later (waiting list for staff), withdrawing one not yet activated. Every action
// is scoped to the structures the référent manages (req.referentStructureIds): another one's is a 404.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, requireReferent } from '../../api/auth/session.ts';
import { validerAidant } from '../../db/domain/demande-habilitation.ts';
import { aidantRetirable } from '../../db/domain/habilitation.ts';
import { ajouterEvenement, consentirRattachement, rattachementsAConsentir } from '../../db/queries/habilitation.ts';
import { RefusProcessus, retirerAidantEnFormation } from '../../api/processes/habilitation.ts';
import { html } from '../html.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';
import { champTexte, jetonCsrf, liste, resumeErreurs, type Erreurs } from './champs.ts';
import { badgeAidant } from './frise.ts';

export function referentHabilitationRouter(deps: WebDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use('/espace-referent/habilitation', requireReferent(db));

  async function afficher(req: Request, res: Response, status = 200, valeurs: Record<string, string> = {}, erreurs: Erreurs = {}) {
    const ids = req.referentStructureIds!;
    const [structures, aidants, rattachements] = await Promise.all([
      db('structures').whereIn('id', ids).orderBy('name').select('id', 'name'),
      db('demandes_aidant').join('structures', 'structures.id', 'demandes_aidant.structure_id').whereIn('demandes_aidant.structure_id', ids)
        .select('demandes_aidant.*', 'structures.name as structure_name').orderBy('demandes_aidant.id', 'desc'),
      rattachementsAConsentir(db, ids),
    ]);
    const csrf = csrfToken(req);
    const content = html`<h1>Habilitation des aidants</h1>
${rattachements.length ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Vos aidants demandés par une autre structure</h2>
<p>Une autre structure demande à habiliter des aidants qui ont déjà un compte dans la vôtre. Son référent aurait alors les mêmes droits que vous sur leur compte (désactivation, moyens de connexion). Rien ne se fait sans votre accord.</p>
<ul>${rattachements.map((r) => html`<li>${r.first_name} ${r.last_name} (${r.email}) — demandé par « ${r.structure_name} »
<form method="post" action="/espace-referent/habilitation/rattachements/${r.id}/accord" class="fr-mt-1w">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit" aria-label="Donner mon accord pour ${r.first_name} ${r.last_name}">Donner mon accord</button></form></li>`)}</ul>
<p>Si vous ne connaissez pas cette demande, ne donnez pas votre accord et prévenez l'équipe Aidants Connect.</p></div>` : ''}
<p>Ajoutez un aidant de votre structure : l'équipe Aidants Connect valide la demande, puis l'aidant suit la formation et passe le test Pix avant d'être activé.</p>
<div class="fr-table"><table><caption>Aidants de vos structures</caption>
<thead><tr><th scope="col">Aidant</th><th scope="col">Structure</th><th scope="col">Statut</th><th scope="col">Action</th></tr></thead>
<tbody>${aidants.map((a: Record<string, string>) => html`<tr><td>${a.first_name} ${a.last_name}<br><span class="fr-text--sm">${a.email}</span></td><td>${a.structure_name}</td>
<td>${badgeAidant(a.status as never)}</td><td>${aidantRetirable(a.status as never) ? html`<form method="post" action="/espace-referent/habilitation/aidants/${a.id}/retirer">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" aria-label="Retirer ${a.first_name} ${a.last_name}">Retirer</button></form>` : ''}</td></tr>`)}</tbody></table></div>
<h2>Ajouter un aidant</h2>
${resumeErreurs(erreurs)}
<form method="post" action="/espace-referent/habilitation/aidants" novalidate>${jetonCsrf(csrf)}
  ${structures.length > 1 ? liste({ name: 'structure_id', label: 'Structure', options: structures.map((s: { id: number; name: string }) => [String(s.id), s.name]), value: valeurs.structure_id, erreur: erreurs.structure_id }) : html`<input type="hidden" name="structure_id" value="${String(structures[0]?.id ?? '')}">`}
  ${champTexte({ name: 'first_name', label: 'Prénom', value: valeurs.first_name, erreur: erreurs.first_name })}
  ${champTexte({ name: 'last_name', label: 'Nom', value: valeurs.last_name, erreur: erreurs.last_name })}
  ${champTexte({ name: 'email', label: 'Adresse e-mail professionnelle', aide: 'Nominative et individuelle (prenom.nom@structure.fr).', type: 'email', value: valeurs.email, erreur: erreurs.email })}
  ${champTexte({ name: 'profession', label: 'Profession', value: valeurs.profession, erreur: erreurs.profession })}
  <button class="fr-btn" type="submit">Ajouter à la liste d'attente</button>
</form>`;
    res.status(status).send(render(req, { title: 'Habilitation des aidants', content }));
  }

  router.get('/espace-referent/habilitation', (req, res) => afficher(req, res));

  router.post('/espace-referent/habilitation/aidants', async (req, res) => {
    const structureId = Number(req.body?.structure_id);
    if (!req.referentStructureIds!.includes(structureId)) throw new HttpError(403, 'structure d’un autre référent');
    const ouverts = await db('demandes_aidant').where({ structure_id: structureId }).whereNotIn('status', ['refused', 'cancelled', 'cancelled_by_referent']).pluck('email');
    const { valeurs, erreurs } = validerAidant(req.body ?? {}, ouverts);
    if (erreurs.email === 'Cet aidant figure déjà dans la liste.') erreurs.email = 'Cet aidant a déjà une demande en cours ou est déjà habilité dans cette structure.';
    if (Object.keys(erreurs).length) return afficher(req, res, 400, { ...valeurs, structure_id: String(structureId) }, erreurs);
    await db.transaction(async (trx) => {
      const [row] = await trx('demandes_aidant').insert({ ...valeurs, structure_id: structureId, status: 'waiting_list', added_by_id: req.aidant!.id }).returning('id');
      await ajouterEvenement(trx, { demandeAidantId: row.id, type: 'liste_attente', detail: "Aidant ajouté par le référent : en attente de l'équipe", acteur: 'referent' });
    });
    flash(req, 'success', `${valeurs.first_name} ${valeurs.last_name} est ajouté à la liste d'attente de l'équipe Aidants Connect.`);
    res.redirect(303, '/espace-referent/habilitation');
  });

  router.post('/espace-referent/habilitation/rattachements/:aid/accord', async (req, res) => {
    const id = Number(req.params.aid);
    // Only for an aidant of one of this référent's structures: anything else is not found.
    if (!Number.isInteger(id) || !(await consentirRattachement(db, { id: req.aidant!.id, structureIds: req.referentStructureIds! }, id))) {
      throw new HttpError(404, 'demande inconnue');
    }
    flash(req, 'success', "Votre accord est enregistré : l'équipe Aidants Connect peut maintenant instruire cette demande.");
    res.redirect(303, '/espace-referent/habilitation');
  });

  router.post('/espace-referent/habilitation/aidants/:aid/retirer', async (req, res) => {
    const id = Number(req.params.aid);
    const a = Number.isInteger(id) ? await db('demandes_aidant').where({ id }).first() : null;
    if (!a || !req.referentStructureIds!.includes(a.structure_id)) throw new HttpError(404, 'aidant inconnu');
    if (a.status === 'waiting_list') {
      await db.transaction(async (trx) => {
        await trx('demandes_aidant').where({ id, status: 'waiting_list' }).update({ status: 'cancelled_by_referent' });
        await ajouterEvenement(trx, { demandeAidantId: id, type: 'retrait', detail: 'Aidant retiré par le référent', acteur: 'referent' });
      });
    } else if (aidantRetirable(a.status)) {
      try {
        await retirerAidantEnFormation(await deps.temporal(), id, 'referent');
      } catch (err) {
        if (!(err instanceof RefusProcessus)) throw err;
        flash(req, 'error', err.message);
        return res.redirect(303, '/espace-referent/habilitation');
      }
    } else {
      flash(req, 'error', "Cet aidant ne peut plus être retiré (déjà activé ou retiré) : rien n'a été modifié.");
      return res.redirect(303, '/espace-referent/habilitation');
    }
    flash(req, 'success', `${a.first_name} ${a.last_name} est retiré.`);
    res.redirect(303, '/espace-referent/habilitation');
  });

  return router;
}
