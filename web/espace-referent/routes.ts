// The espace référent: the team of the structures the référent manages, cards, apps, (de)activation.
// Every route is scoped to those structures and asks for a fresh TOTP after 15 minutes.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, keepSessionAfterOwnDeviceChange, requireRecentTotp, requireReferent } from '../../api/auth/session.ts';
import { aidantInScope, aidantsOfStructures } from '../../api/referent/scope.ts';
import { associerCarte, DeviceError, dissocierCarte, enregistrerApplication, resynchroniserCarte, validerCarte, type Actor } from '../../api/referent/devices.ts';
import { desactiverAidant, reactiverAidant } from '../../api/referent/lifecycle.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';
import { aidantPage, enrolmentPage, teamPage } from './pages.ts';
import { clearPendingSecret, enrolmentInProgress, pendingSecret, qrCodeDataUrl } from '../auth/enrolment.ts';

export function espaceReferentRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/espace-referent', requireReferent(deps.db), requireRecentTotp);

  router.get('/espace-referent', async (req, res) => {
    const rows = await aidantsOfStructures(deps.db, req.referentStructureIds!);
    res.send(render(req, { title: 'Espace référent', content: teamPage(rows) }));
  });

  async function scoped(req: Request) {
    const { aidant, structureId } = await aidantInScope(deps.db, req.referentStructureIds!, req.params.id);
    const actor: Actor = { referentId: req.aidant!.id, structureId };
    return { aidant, actor, structureId };
  }

  async function showAidant(req: Request, res: Response, status = 200, errors: Record<string, string> = {}) {
    const { aidant, structureId } = await scoped(req);
    const row = (await aidantsOfStructures(deps.db, [structureId])).find((r) => r.id === aidant.id)!;
    const values = Object.fromEntries(Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && k !== 'code' && typeof v === 'string')) as Record<string, string>;
    res.status(status).send(render(req, { title: `${row.first_name} ${row.last_name}`, content: aidantPage({ csrf: csrfToken(req), row, errors, values }) }));
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
    return 'Carte validée : l’aidant peut se connecter avec.';
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
  router.post('/espace-referent/aidants/:id/desactivation', action(async (req, id, actor) => {
    if (id === req.aidant!.id) throw new DeviceError('compte', 'Vous ne pouvez pas désactiver votre propre compte.');
    await desactiverAidant(deps.db, deps.temporal, actor, id);
    return 'Compte désactivé.';
  }));
  router.post('/espace-referent/aidants/:id/reactivation', action(async (_req, id, actor) => {
    await reactiverAidant(deps.db, deps.temporal, actor, id);
    return 'Compte réactivé : la veille d’inactivité repart de zéro.';
  }));

  router.get('/espace-referent/aidants/:id/application', async (req, res) => {
    const { aidant } = await scoped(req);
    const secret = pendingSecret(req, aidant.id);
    res.send(render(req, {
      title: 'Configurer une application',
      content: enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: aidant.fullName, qrSvgDataUrl: await qrCodeDataUrl(aidant.email, secret), secret }),
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
        content: enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: aidant.fullName, qrSvgDataUrl: await qrCodeDataUrl(aidant.email, secret), secret, error: err.message }),
      }));
    }
    clearPendingSecret(req);
    if (aidant.id === req.aidant!.id) await keepSessionAfterOwnDeviceChange(deps.db, req);
    flash(req, 'success', 'Application configurée : l’aidant peut se connecter avec.');
    res.redirect(303, `/espace-referent/aidants/${aidant.id}`);
  });

  return router;
}
