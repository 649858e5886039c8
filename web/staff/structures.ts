// The staff's structures (issue 20): list and search, a structure's page, suspension and reactivation,
// transfer of mandats (a form, then a confirmation). Staff only, with a fresh code after 15 minutes.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import {
  mandatsDeLaStructure, pageStructure, preparerTransfert, reactiver, rechercher, structureOuIntrouvable, suspendre, transferer,
} from '../../api/staff/structures.ts';
import { modifierHoraires } from '../../api/structures/horaires.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import type { Crumb } from '../ui/breadcrumb.ts';
import { confirmationTransfertPage, listeStructuresPage, structurePage, suspensionPage, transfertPage } from './structures-pages.ts';

const EQUIPE: Crumb = { label: 'Équipe', href: '/staff' };
const STRUCTURES: Crumb = { label: 'Structures', href: '/staff/structures' };

const saisie = (req: Request) =>
  Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
const idsCoches = (v: unknown) => [v ?? []].flat().map(Number).filter(Number.isInteger);

export function staffStructuresRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/staff/structures', requireStaff, requireRecentTotp);

  router.get('/staff/structures', async (req, res) => {
    const recherche = typeof req.query.recherche === 'string' ? req.query.recherche.trim().slice(0, 100) : '';
    res.send(render(req, { title: 'Structures', breadcrumb: { parents: [EQUIPE] }, content: listeStructuresPage({ recherche, structures: await rechercher(deps.db, recherche) }) }));
  });

  const montrer = async (req: Request, res: Response, status = 200, erreursHoraires?: Record<string, string>) => {
    const page = await pageStructure(deps.db, req.params.id);
    res.status(status).send(render(req, {
      title: page.fiche.name,
      breadcrumb: { parents: [EQUIPE, STRUCTURES] },
      content: structurePage({ ...page, csrf: csrfToken(req), erreursHoraires, saisieHoraires: erreursHoraires ? saisie(req) : undefined }),
    }));
  };
  router.get('/staff/structures/:id', (req, res) => montrer(req, res));

  router.post('/staff/structures/:id/horaires', async (req, res) => {
    const fiche = await structureOuIntrouvable(deps.db, req.params.id);
    const r = await modifierHoraires(deps.db, { id: req.aidant!.id, is_staff: true }, fiche.id, req.body ?? {});
    if (r && !r.ok) return montrer(req, res, 400, r.erreurs);
    flash(req, 'success', `Les horaires d’ouverture de ${fiche.name} sont enregistrés.`);
    res.redirect(303, `/staff/structures/${fiche.id}#horaires`);
  });

  const crumbs = (id: number, name: string, current: string) => ({ parents: [EQUIPE, STRUCTURES, { label: name, href: `/staff/structures/${id}` }], current });

  router.get('/staff/structures/:id/suspension', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    if (s.suspended_at) {
      flash(req, 'info', 'Cette structure est déjà suspendue.');
      return res.redirect(303, `/staff/structures/${s.id}`);
    }
    res.send(render(req, { title: `Suspendre ${s.name}`, breadcrumb: crumbs(s.id, s.name, 'Suspendre'), content: suspensionPage({ id: s.id, name: s.name, csrf: csrfToken(req) }) }));
  });
  router.post('/staff/structures/:id/suspension', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    const r = await suspendre(deps.db, req.aidant!.id, s.id, req.body?.raison);
    if (!r.ok) {
      return res.status(400).send(render(req, {
        title: `Suspendre ${s.name}`, breadcrumb: crumbs(s.id, s.name, 'Suspendre'),
        content: suspensionPage({ id: s.id, name: s.name, csrf: csrfToken(req), erreur: r.erreur, raison: typeof req.body?.raison === 'string' ? req.body.raison : '' }),
      }));
    }
    flash(req, r.change ? 'success' : 'info', r.change ? `${s.name} est suspendue : ses aidants ne peuvent plus se connecter ; ses référents sont prévenus.` : 'Cette structure était déjà suspendue.');
    res.redirect(303, `/staff/structures/${s.id}`);
  });
  router.post('/staff/structures/:id/reactivation', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    const change = await reactiver(deps.db, req.aidant!.id, s.id);
    flash(req, change ? 'success' : 'info', change ? `La suspension de ${s.name} est levée ; ses référents sont prévenus.` : 'Cette structure n’était pas suspendue.');
    res.redirect(303, `/staff/structures/${s.id}`);
  });

  router.get('/staff/structures/:id/transfert', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    res.send(render(req, {
      title: `Transférer des mandats de ${s.name}`, breadcrumb: crumbs(s.id, s.name, 'Transférer des mandats'),
      content: transfertPage({ id: s.id, name: s.name, csrf: csrfToken(req), mandats: await mandatsDeLaStructure(deps.db, s.id) }),
    }));
  });
  // The form's answer is the confirmation page: nothing moves until it is confirmed.
  router.post('/staff/structures/:id/transfert', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    const choix = await preparerTransfert(deps.db, s.id, req.body ?? {});
    if (!choix.ok) {
      return res.status(400).send(render(req, {
        title: `Transférer des mandats de ${s.name}`, breadcrumb: crumbs(s.id, s.name, 'Transférer des mandats'),
        content: transfertPage({
          id: s.id, name: s.name, csrf: csrfToken(req), mandats: await mandatsDeLaStructure(deps.db, s.id), erreurs: choix.erreurs,
          saisie: { cible: typeof req.body?.cible === 'string' ? req.body.cible : '', portee: typeof req.body?.portee === 'string' ? req.body.portee : undefined, mandats: idsCoches(req.body?.mandats) },
        }),
      }));
    }
    res.send(render(req, {
      title: 'Confirmer le transfert', breadcrumb: crumbs(s.id, s.name, 'Confirmer le transfert'),
      content: confirmationTransfertPage({ id: s.id, name: s.name, csrf: csrfToken(req), projet: choix.projet, cible: String(choix.projet.cible.id) }),
    }));
  });
  router.post('/staff/structures/:id/transfert/confirmation', async (req, res) => {
    const s = await structureOuIntrouvable(deps.db, req.params.id);
    const r = await transferer(deps, req.aidant!.id, s.id, req.body ?? {});
    if (!r.ok) {
      flash(req, 'error', r.erreur);
      return res.redirect(303, `/staff/structures/${s.id}/transfert`);
    }
    flash(req, 'success', `${r.nombre > 1 ? `${r.nombre} mandats transférés` : '1 mandat transféré'} à ${r.cible} ; les référents des deux structures sont prévenus.`);
    res.redirect(303, `/staff/structures/${s.id}`);
  });
  return router;
}
