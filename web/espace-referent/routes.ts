// The espace référent: the team of the structures the référent manages, cards, apps, (de)activation.
// Every route is scoped to those structures and asks for a fresh TOTP after 15 minutes.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, keepSessionAfterOwnDeviceChange, requireRecentTotp, requireReferent } from '../../api/auth/session.ts';
import { aidantInScope, aidantsDesStructures } from '../../api/referent/scope.ts';
import { associerCarte, DeviceError, dissocierCarte, enregistrerApplication, resynchroniserCarte, validerCarte, type Actor } from '../../api/referent/devices.ts';
import { desactiverAidant, reactiverAidant } from '../../api/referent/lifecycle.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { aidantPage, cardsPage, deactivationPage, teamPage } from './pages.ts';
import { ESPACE_REFERENT, espaceReferent } from './menu.ts';
import { derniereDesactivation } from '../../api/referent/desactivation.ts';
import { validerRaisonDesactivation } from '../../db/domain/desactivation.ts';
import { de } from '../../db/domain/francais.ts';
import { clearPendingSecret, enrolmentInProgress, enrolmentPage, pendingSecret, qrCodeDataUrl } from '../auth/enrolment.ts';

export function espaceReferentRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/espace-referent', requireReferent(deps.db), requireRecentTotp);

  router.get('/espace-referent', async (req, res) => {
    const rows = await aidantsDesStructures(deps.db, req.referentStructureIds!);
    res.send(render(req, { title: 'Mon équipe — Espace référent', content: teamPage(rows, req.aidant!.id), breadcrumb: { current: 'Espace référent' } }));
  });

  router.get('/espace-referent/cartes', async (req, res) => {
    const rows = await aidantsDesStructures(deps.db, req.referentStructureIds!);
    res.send(render(req, { title: 'Cartes — Espace référent', content: cardsPage(rows), breadcrumb: { parents: [ESPACE_REFERENT], current: 'Cartes' } }));
  });

  async function scoped(req: Request) {
    const { aidant, structureId } = await aidantInScope(deps.db, req.referentStructureIds!, req.params.id);
    const actor: Actor = { referentId: req.aidant!.id, structureId };
    return { aidant, actor, structureId };
  }

  async function rowOf(req: Request) {
    const { aidant, structureId } = await scoped(req);
    return (await aidantsDesStructures(deps.db, [structureId])).find((r) => r.id === aidant.id)!;
  }
  const typedValues = (req: Request) =>
    Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && k !== 'code' && typeof v === 'string')) as Record<string, string>;

  async function showAidant(req: Request, res: Response, status = 200, errors: Record<string, string> = {}) {
    const row = await rowOf(req);
    const name = `${row.first_name} ${row.last_name}`;
    const desactivation = row.is_active ? null : await derniereDesactivation(deps.db, req.referentStructureIds!, row.id);
    res.status(status).send(render(req, { title: `${name} — Espace référent`, content: aidantPage({ csrf: csrfToken(req), row, moi: req.aidant!.id, errors, values: typedValues(req), desactivation }), breadcrumb: { parents: [ESPACE_REFERENT], current: name } }));
  }

  router.get('/espace-referent/aidants/:id', (req, res) => showAidant(req, res));

  const action = (fn: (req: Request, aidantId: number, actor: Actor) => Promise<string>) => async (req: Request, res: Response) => {
    const { aidant, actor } = await scoped(req);
    try {
      const message = await fn(req, aidant.id, actor);
      flash(req, 'success', message);
      res.redirect(303, `/espace-referent/aidants/${aidant.id}`);
    } catch (err) {
      if (!(err instanceof DeviceError)) throw err;
      await showAidant(req, res, 400, { [err.field]: err.message });
    }
  };

  router.post('/espace-referent/aidants/:id/carte', action(async (req, id, actor) => {
    await associerCarte(deps.db, actor, id, req.body?.serial);
    return 'Carte associée. Validez-la maintenant avec le code qu’elle affiche.';
  }));
  router.post('/espace-referent/aidants/:id/carte/validation', action(async (req, id, actor) => {
    await validerCarte(deps.db, actor, id, req.body?.code);
    return 'Carte validée : elle sert désormais à se connecter.';
  }));
  router.post('/espace-referent/aidants/:id/carte/resynchronisation', action(async (req, id, actor) => {
    await resynchroniserCarte(deps.db, actor, id, req.body?.code);
    return 'Carte resynchronisée : l’aidant peut de nouveau se connecter avec.';
  }));
  router.post('/espace-referent/aidants/:id/carte/dissociation', action(async (req, id, actor) => {
    await dissocierCarte(deps.db, actor, id, req.body?.raison, req.body?.precision);
    if (id === req.aidant!.id) await keepSessionAfterOwnDeviceChange(deps.db, req);
    return 'Carte dissociée.';
  }));
  // Deactivation is asked for on its own page: a confirmation and a reason (journaled), never one click.
  async function showDeactivation(req: Request, res: Response, status = 200, errors: Record<string, string> = {}) {
    const row = await rowOf(req);
    const name = `${row.first_name} ${row.last_name}`;
    if (row.id === req.aidant!.id) return showAidant(req, res, 400, { compte: 'Vous ne pouvez pas désactiver votre propre compte.' });
    if (!row.is_active) {
      flash(req, 'info', 'Ce compte est déjà désactivé.');
      return res.redirect(303, `/espace-referent/aidants/${row.id}`);
    }
    res.status(status).send(render(req, {
      title: `Désactiver le compte ${de(name)}`,
      content: deactivationPage({ csrf: csrfToken(req), row, errors, values: typedValues(req) }),
      breadcrumb: { parents: [ESPACE_REFERENT, { label: name, href: `/espace-referent/aidants/${row.id}` }], current: 'Désactiver le compte' },
    }));
  }
  router.get('/espace-referent/aidants/:id/desactivation', (req, res) => showDeactivation(req, res));
  router.post('/espace-referent/aidants/:id/desactivation', async (req, res) => {
    const { aidant, actor } = await scoped(req);
    if (aidant.id === req.aidant!.id) return showAidant(req, res, 400, { compte: 'Vous ne pouvez pas désactiver votre propre compte.' });
    const raison = validerRaisonDesactivation(req.body?.raison, req.body?.precision);
    if ('erreurs' in raison) return showDeactivation(req, res, 400, raison.erreurs);
    const changed = await desactiverAidant(deps.db, deps.temporal, actor, aidant.id, raison.texte);
    flash(req, changed ? 'success' : 'info', changed ? `Le compte ${de(aidant.fullName)} est désactivé.` : 'Ce compte était déjà désactivé.');
    res.redirect(303, `/espace-referent/aidants/${aidant.id}`);
  });
  router.post('/espace-referent/aidants/:id/reactivation', action(async (_req, id, actor) => {
    await reactiverAidant(deps.db, deps.temporal, actor, id);
    return 'Compte réactivé : la personne peut de nouveau se connecter, la veille d’inactivité repart de zéro.';
  }));

  const enrolmentCrumbs = (id: number, name: string) => ({ parents: [ESPACE_REFERENT, { label: name, href: `/espace-referent/aidants/${id}` }], current: 'Configurer une application' });
  router.get('/espace-referent/aidants/:id/application', async (req, res) => {
    const { aidant } = await scoped(req);
    const secret = pendingSecret(req, aidant.id);
    res.send(render(req, {
      title: 'Configurer une application',
      content: espaceReferent('equipe', enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: aidant.fullName, qrSvgDataUrl: await qrCodeDataUrl(aidant.email, secret), secret }), true),
      breadcrumb: enrolmentCrumbs(aidant.id, aidant.fullName),
    }));
  });
  router.post('/espace-referent/aidants/:id/application', async (req, res) => {
    const { aidant, actor } = await scoped(req);
    const secret = enrolmentInProgress(req, aidant.id);
    if (!secret) throw new HttpError(400, 'configuration expirée');
    try {
      await enregistrerApplication(deps.db, actor, aidant.id, secret, req.body?.code);
    } catch (err) {
      if (!(err instanceof DeviceError)) throw err;
      return res.status(400).send(render(req, {
        title: 'Configurer une application',
        content: espaceReferent('equipe', enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: aidant.fullName, qrSvgDataUrl: await qrCodeDataUrl(aidant.email, secret), secret, error: err.message }), true),
        breadcrumb: enrolmentCrumbs(aidant.id, aidant.fullName),
      }));
    }
    clearPendingSecret(req);
    if (aidant.id === req.aidant!.id) await keepSessionAfterOwnDeviceChange(deps.db, req);
    flash(req, 'success', `Application configurée : ${aidant.fullName} peut se connecter avec.`);
    res.redirect(303, `/espace-referent/aidants/${aidant.id}`);
  });

  return router;
}
