// The espace référent's structures (db/domain/README.md#plusieurs-structures): the selector, one structure's
// team, an aidant's place in it (designate référent, add to another of the référent's structures, remove),
// adding an aidant of another structure, and answering another structure's request for one's aidant. A
// structure the référent does not manage, or an aidant not in it, is a 404; every change is journaled.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, requireRecentTotp, requireReferent } from '../../api/auth/session.ts';
import { aidantsDesStructures } from '../../api/referent/scope.ts';
import { structuresDuReferent } from '../../api/referent/habilitation.ts';
import {
  ajouterAUneAutreDeMesStructures, appartenancesDansLePerimetre, autresStructuresActives, demanderAidantDUneAutreStructure, designerReferent,
  membreDeLaStructure, MESSAGES_REFUS_RETRAIT, rattachementsARepondre, repondreRattachement, retirerAidantDeLaStructure, structureGeree,
} from '../../api/referent/structures.ts';
import { idStructure } from '../../db/domain/structures-aidant.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import type { FieldErrors } from '../ui/forms.ts';
import { ESPACE_REFERENT } from './menu.ts';
import { lienMembre, lienStructure, membrePage, retraitPage, structurePage, structuresPage, titreMembre, titreRetrait, type StructureGeree } from './structures-pages.ts';

const MES_STRUCTURES = { label: 'Mes structures', href: '/espace-referent/structures' };

export function structuresReferentRouter(deps: WebDeps): Router {
  const { db } = deps;
  const router = Router();
  for (const chemin of ['/espace-referent/structures', '/espace-referent/rattachements']) router.use(chemin, requireReferent(db), requireRecentTotp);

  const mesStructures = (req: Request): Promise<StructureGeree[]> => structuresDuReferent(db, req.referentStructureIds!);
  async function structureDe(req: Request): Promise<StructureGeree> {
    const id = structureGeree(req.referentStructureIds!, req.params.sid);
    return (await mesStructures(req)).find((s) => s.id === id)!;
  }

  router.get('/espace-referent/structures', async (req, res) => {
    if (req.query.structure !== undefined) return res.redirect(303, lienStructure(structureGeree(req.referentStructureIds!, req.query.structure)));
    const [structures, aRepondre] = await Promise.all([mesStructures(req), rattachementsARepondre(db, req.referentStructureIds!)]);
    res.send(render(req, { title: 'Mes structures — Espace référent', content: structuresPage({ csrf: csrfToken(req), structures, aRepondre }), breadcrumb: { parents: [ESPACE_REFERENT], current: 'Mes structures' } }));
  });

  async function showStructure(req: Request, res: Response, status = 200, erreurs: FieldErrors = {}) {
    const structure = await structureDe(req);
    const [structures, equipe, aRepondre] = await Promise.all([mesStructures(req), aidantsDesStructures(db, [structure.id]), rattachementsARepondre(db, [structure.id])]);
    res.status(status).send(render(req, {
      title: `${Object.keys(erreurs).length ? 'Erreur — ' : ''}${structure.name} — Espace référent`,
      content: structurePage({ csrf: csrfToken(req), structures, structure, equipe, aRepondre, moi: req.aidant!.id, erreurs, email: typeof req.body?.email === 'string' ? req.body.email : undefined }),
      breadcrumb: { parents: [ESPACE_REFERENT, MES_STRUCTURES], current: structure.name },
    }));
  }
  router.get('/espace-referent/structures/:sid', (req, res) => showStructure(req, res));

  router.post('/espace-referent/structures/:sid/rattachements', async (req, res) => {
    const structure = await structureDe(req);
    const r = await demanderAidantDUneAutreStructure(db, deps.publicUrl, { id: req.aidant!.id, structureIds: req.referentStructureIds! }, structure.id, req.body?.email);
    if (r.kind === 'erreur') return showStructure(req, res, 400, { email: r.message });
    if (r.kind === 'limite') return showStructure(req, res, 429, { email: r.message });
    flash(req, r.kind === 'envoyee' ? 'info' : 'success', {
      ajoute: `L’aidant a rejoint ${structure.name}.`,
      deja: `Cet aidant fait déjà partie de ${structure.name}.`,
      envoyee: `Si cette adresse est celle d’un aidant habilité d’une autre structure, son référent reçoit votre demande dans son espace ; l’aidant rejoindra ${structure.name} dès son accord.`,
    }[r.kind]);
    res.redirect(303, lienStructure(structure.id));
  });

  async function membre(req: Request) {
    const structure = await structureDe(req);
    const aidantId = await membreDeLaStructure(db, structure.id, req.params.id);
    const row = (await aidantsDesStructures(db, [structure.id])).find((r) => r.id === aidantId);
    if (!row) throw new HttpError(404, 'aidant introuvable');
    return { structure, row };
  }

  async function showMembre(req: Request, res: Response, status = 200, erreurs: FieldErrors = {}) {
    const { structure, row } = await membre(req);
    const [appartenances, ailleurs, structures] = await Promise.all([
      appartenancesDansLePerimetre(db, row.id, req.referentStructureIds!), autresStructuresActives(db, row.id, req.referentStructureIds!), mesStructures(req),
    ]);
    const ajoutables = structures.filter((s) => !appartenances.some((a) => a.structure_id === s.id));
    res.status(status).send(render(req, {
      title: `${Object.keys(erreurs).length ? 'Erreur — ' : ''}${titreMembre(row, structure)}`,
      content: membrePage({ csrf: csrfToken(req), structure, row, appartenances, ailleurs, ajoutables, moi: req.aidant!.id, erreurs }),
      breadcrumb: { parents: [ESPACE_REFERENT, MES_STRUCTURES, { label: structure.name, href: lienStructure(structure.id) }], current: `${row.first_name} ${row.last_name}` },
    }));
  }
  router.get('/espace-referent/structures/:sid/aidants/:id', (req, res) => showMembre(req, res));

  router.post('/espace-referent/structures/:sid/aidants/:id/referent', async (req, res) => {
    const { structure, row } = await membre(req);
    const r = await designerReferent(db, { acteurId: req.aidant!.id, aidantId: row.id, structureId: structure.id });
    if (r === 'inactif') return showMembre(req, res, 400, { referent: 'Ce compte est désactivé : réactivez-le avant de le désigner référent.' });
    flash(req, r === 'designe' ? 'success' : 'info', r === 'designe' ? `${row.first_name} ${row.last_name} est maintenant référent de ${structure.name}.` : 'Cette personne était déjà référente de la structure.');
    res.redirect(303, lienMembre(structure.id, row.id));
  });

  router.post('/espace-referent/structures/:sid/aidants/:id/ajout', async (req, res) => {
    const { structure, row } = await membre(req);
    // The target must be one of the référent's structures too: the consent to share the aidant is theirs.
    if (idStructure(req.body?.structure_id) === null) return showMembre(req, res, 400, { structure_id: 'Choisissez une structure.' });
    const cibleId = structureGeree(req.referentStructureIds!, req.body?.structure_id);
    const cible = (await mesStructures(req)).find((s) => s.id === cibleId)!;
    const r = await ajouterAUneAutreDeMesStructures(db, { acteurId: req.aidant!.id, aidantId: row.id, structureId: cibleId });
    if (r === 'inactif') return showMembre(req, res, 400, { structure_id: 'Ce compte est désactivé : réactivez-le avant de l’ajouter à une structure.' });
    flash(req, r === 'ajoute' ? 'success' : 'info', r === 'ajoute' ? `${row.first_name} ${row.last_name} fait maintenant aussi partie de ${cible.name}.` : `Cette personne fait déjà partie de ${cible.name}.`);
    res.redirect(303, lienMembre(structure.id, row.id));
  });

  router.get('/espace-referent/structures/:sid/aidants/:id/retrait', async (req, res) => {
    const { structure, row } = await membre(req);
    const [appartenances, ailleurs] = await Promise.all([appartenancesDansLePerimetre(db, row.id, req.referentStructureIds!), autresStructuresActives(db, row.id, req.referentStructureIds!)]);
    res.send(render(req, {
      title: titreRetrait(row, structure),
      content: retraitPage({ csrf: csrfToken(req), structure, row, moi: req.aidant!.id, dernier: appartenances.length + ailleurs <= 1 }),
      breadcrumb: { parents: [ESPACE_REFERENT, MES_STRUCTURES, { label: structure.name, href: lienStructure(structure.id) }, { label: `${row.first_name} ${row.last_name}`, href: lienMembre(structure.id, row.id) }], current: 'Retirer de la structure' },
    }));
  });

  router.post('/espace-referent/structures/:sid/aidants/:id/retrait', async (req, res) => {
    const { structure, row } = await membre(req);
    const r = await retirerAidantDeLaStructure(db, deps.temporal, { acteurId: req.aidant!.id, aidantId: row.id, structureId: structure.id });
    if (r.refus) return showMembre(req, res, 400, { retrait: MESSAGES_REFUS_RETRAIT[r.refus] });
    flash(req, 'success', `${row.first_name} ${row.last_name} ne fait plus partie de ${structure.name}.${r.desactive ? ' Sans autre structure active, son compte est désactivé.' : ''}`);
    // Having left the structure themself, the référent no longer manages it: back to their structures.
    res.redirect(303, row.id === req.aidant!.id ? '/espace' : lienStructure(structure.id));
  });

  const repondre = (accord: boolean) => async (req: Request, res: Response) => {
    const id = idStructure(req.params.rid);
    const r = id === null ? null : await repondreRattachement(db, { referentId: req.aidant!.id, structureIds: req.referentStructureIds!, demandeId: id, accord });
    if (!r) throw new HttpError(404, 'demande inconnue');
    flash(req, 'success', r === 'acceptee' ? 'Votre accord est enregistré : l’aidant fait maintenant aussi partie de l’autre structure.' : 'La demande est refusée : rien n’a changé pour cet aidant.');
    res.redirect(303, '/espace-referent/structures');
  };
  router.post('/espace-referent/rattachements/:rid/accord', repondre(true));
  router.post('/espace-referent/rattachements/:rid/refus', repondre(false));

  return router;
}
