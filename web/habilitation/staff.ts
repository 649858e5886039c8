// Staff routes of habilitation (/staff/habilitations…, staff only): list and search, a request's page,
// decisions and training/Pix recording sent to the workflows as updates, the Pix CSV import, and the
// waiting list of aidants added by référents. A refused update shows its French message; nothing changed.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError, requireStaff } from '../../api/auth/session.ts';
import {
  decisionsPossibles, DECISIONS_EQUIPE, erreurDatePassee, erreurFormateurPair, erreurScorePix, motifActionImpossible, motifFormationImpossible,
  emailValide, normaliserEmail, type DecisionEquipe,
} from '../../db/domain/habilitation.ts';
import { STATUTS_DEMANDE_STRUCTURE, type StatutDemandeStructure } from '../../db/domain/statuts.ts';
import { de } from '../../db/domain/francais.ts';
import {
  accepterAidantEnAttente, aidantPourImportPix, aidantsAjoutesParLesReferents, autoriserRattachementStructure, demandeAidantParId, formateurPair, listeDemandes,
  rattachementNonConsenti, refuserAidantEnAttente, vueDemandeStaff, deciderDemande, enregistrerFormation, enregistrerPix, RefusProcessus,
} from '../../api/staff/habilitations.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import * as P from './staff-pages.ts';
import type { Erreurs } from './champs.ts';

const EQUIPE = { label: 'Équipe', href: '/staff' };
const DEMANDES = { label: "Demandes d'habilitation", href: '/staff/habilitations' };
const SOUS_DEMANDES = (current: string) => ({ parents: [EQUIPE, DEMANDES], current });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** 12/03/2026 or 2026-03-12 → 2026-03-12 (anything else is returned as is and refused by the rule). */
export function dateIso(valeur: string): string {
  const v = valeur.trim();
  const m = v.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : v;
}

export function staffHabilitationRouter(deps: WebDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use('/staff/habilitations', requireStaff);

  router.get('/staff/habilitations', async (req, res) => {
    const statut = typeof req.query.statut === 'string' && (STATUTS_DEMANDE_STRUCTURE as readonly string[]).includes(req.query.statut) ? req.query.statut : '';
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    res.send(render(req, { title: "Demandes d'habilitation", content: P.pageListe(await listeDemandes(db, { statut, q }), { statut, q }), breadcrumb: { parents: [EQUIPE] } }));
  });

  async function vueDemande(id: string): Promise<P.VueDemandeStaff> {
    if (!UUID.test(id)) throw new HttpError(404, 'demande inconnue');
    const vue = await vueDemandeStaff(db, deps.temporal, id);
    if (!vue) throw new HttpError(404, 'demande inconnue');
    return vue;
  }

  const afficher = async (req: Request, res: Response, id: string, status = 200, erreurs: Erreurs = {}, valeurs: Record<string, string> = {}) => {
    const vue = await vueDemande(id);
    res.status(status).send(render(req, { title: `${vue.demande.structure_name ?? 'Demande'} — Habilitation`, content: P.pageDemande(vue, csrfToken(req), erreurs, valeurs), breadcrumb: SOUS_DEMANDES(String(vue.demande.structure_name ?? 'Brouillon sans nom')) }));
  };

  router.get('/staff/habilitations/liste-attente', async (req, res) => afficherAttente(req, res));
  router.get('/staff/habilitations/import-pix', (req, res) => {
    res.send(render(req, { title: 'Importer des résultats Pix', content: P.pageImportPix(csrfToken(req)), breadcrumb: SOUS_DEMANDES('Importer des résultats Pix') }));
  });
  router.get('/staff/habilitations/:id', async (req, res) => afficher(req, res, String(req.params.id)));

  router.post('/staff/habilitations/:id/decision', async (req, res) => {
    const id = String(req.params.id);
    const vue = await vueDemande(id);
    const decision = String(req.body?.decision ?? '') as DecisionEquipe;
    const message = String(req.body?.message ?? req.body?.motif ?? '').trim().slice(0, 5000);
    if (!DECISIONS_EQUIPE.includes(decision)) throw new HttpError(400, 'décision inconnue');
    const statut = vue.demande.status as StatutDemandeStructure;
    const valeurs = { decision, message };
    if (!decisionsPossibles(statut).includes(decision)) {
      flash(req, 'error', motifActionImpossible(statut, decision));
      return afficher(req, res, id, 409, {}, valeurs);
    }
    if (decision !== 'valider' && !message) {
      return afficher(req, res, id, 400, { message: decision === 'refuser' ? 'Indiquez le motif du refus.' : 'Indiquez les modifications attendues.' }, valeurs);
    }
    // A SIRET already habilitated: validating hands the structure's team to this request's référent, so
    // staff must say so explicitly (the decision is recorded, journaled when applied, référents are told).
    if (decision === 'valider' && vue.structureExistante) {
      if (req.body?.rattachement !== 'oui') {
        return afficher(req, res, id, 400, { rattachement: `Cette structure est déjà habilitée : cochez la case pour confirmer l’ajout de ce référent à « ${vue.structureExistante.name} », après avoir vérifié auprès de ses référents actuels.` }, valeurs);
      }
      await autoriserRattachementStructure(db, id, req.aidant!.id);
    }
    try {
      await deciderDemande(deps.temporal, id, { decision, message: message || undefined, auteurId: req.aidant!.id });
    } catch (err) {
      if (!(err instanceof RefusProcessus)) throw err;
      flash(req, 'error', err.message);
      return afficher(req, res, id, 409, {}, valeurs);
    }
    flash(req, 'success', { valider: 'Demande validée : la structure et le compte du référent sont créés, la formation des aidants commence.', refuser: 'Demande refusée.', demander_modifications: 'Modifications demandées au demandeur.' }[decision]);
    res.redirect(303, `/staff/habilitations/${id}`);
  });

  /** Where an aidant's forms live: its request page, or the waiting-list page for an aidant added later. */
  async function aidantEtRetour(idBrut: string) {
    const a = await demandeAidantParId(db, Number(idBrut));
    if (!a) throw new HttpError(404, 'aidant inconnu');
    return a;
  }
  const reafficher = async (req: Request, res: Response, a: { demande_id: string | null }, status: number, erreurs: Erreurs, valeurs: Record<string, string>) =>
    a.demande_id ? afficher(req, res, a.demande_id, status, erreurs, valeurs) : afficherAttente(req, res, status, erreurs, valeurs);
  const retour = (a: { demande_id: string | null }) => (a.demande_id ? `/staff/habilitations/${a.demande_id}` : '/staff/habilitations/liste-attente');

  /** Training and Pix only for an aidant in training whose request is validated: otherwise a message, nothing recorded. */
  const refuserSiImpossible = (req: Request, a: Parameters<typeof motifFormationImpossible>[0]) => {
    const motif = motifFormationImpossible(a);
    if (motif) flash(req, 'error', `${motif.message} Rien n'a été enregistré.`);
    return Boolean(motif);
  };

  router.post('/staff/habilitations/aidants/:aid/formation', async (req, res) => {
    const a = await aidantEtRetour(String(req.params.aid));
    const n = (k: string) => `${a.id}-${k}`;
    const valeurs: Record<string, string> = Object.fromEntries(['formation_date', 'formation_type', 'formateur'].map((k) => [n(k), String(req.body?.[n(k)] ?? '').trim()]));
    const date = valeurs[n('formation_date')];
    const type = valeurs[n('formation_type')] === 'p2p' ? 'p2p' : 'classic';
    const erreurs: Erreurs = {};
    const e = erreurDatePassee(date, new Date(), 'de la formation');
    if (e) erreurs[n('formation_date')] = e;
    let formateur = null;
    const formateurEmail = normaliserEmail(valeurs[n('formateur')]);
    if (type === 'p2p') {
      if (!emailValide(formateurEmail)) erreurs[n('formateur')] = "Indiquez l'adresse e-mail du formateur entre pairs.";
      else {
        formateur = await formateurPair(db, formateurEmail);
        const ef = erreurFormateurPair(formateur);
        if (ef) erreurs[n('formateur')] = ef;
      }
    }
    if (refuserSiImpossible(req, a)) return reafficher(req, res, a, 409, {}, valeurs);
    if (Object.keys(erreurs).length) return reafficher(req, res, a, 400, erreurs, valeurs);
    try {
      await enregistrerFormation(deps.temporal, a.id, { date, type, formateurEmail: type === 'p2p' ? formateurEmail : null, formateur });
    } catch (err) {
      if (!(err instanceof RefusProcessus)) throw err;
      flash(req, 'error', err.message);
      return reafficher(req, res, a, 409, {}, valeurs);
    }
    flash(req, 'success', `Formation ${de(`${a.first_name} ${a.last_name}`)} enregistrée.`);
    res.redirect(303, retour(a));
  });

  router.post('/staff/habilitations/aidants/:aid/pix', async (req, res) => {
    const a = await aidantEtRetour(String(req.params.aid));
    const n = (k: string) => `${a.id}-${k}`;
    const valeurs: Record<string, string> = Object.fromEntries(['pix_date', 'pix_score'].map((k) => [n(k), String(req.body?.[n(k)] ?? '').trim()]));
    const date = valeurs[n('pix_date')];
    const score = Number(valeurs[n('pix_score')].replace(',', '.'));
    const erreurs: Erreurs = {};
    const e = erreurDatePassee(date, new Date(), 'du test Pix');
    if (e) erreurs[n('pix_date')] = e;
    const es = valeurs[n('pix_score')] === '' ? 'Indiquez le score Pix.' : erreurScorePix(score);
    if (es) erreurs[n('pix_score')] = es;
    if (refuserSiImpossible(req, a)) return reafficher(req, res, a, 409, {}, valeurs);
    if (Object.keys(erreurs).length) return reafficher(req, res, a, 400, erreurs, valeurs);
    try {
      await enregistrerPix(deps.temporal, a.id, { date, score });
    } catch (err) {
      if (!(err instanceof RefusProcessus)) throw err;
      flash(req, 'error', err.message);
      return reafficher(req, res, a, 409, {}, valeurs);
    }
    flash(req, 'success', `Test Pix ${de(`${a.first_name} ${a.last_name}`)} enregistré.`);
    res.redirect(303, retour(a));
  });

  router.post('/staff/habilitations/import-pix', async (req, res) => {
    const texte = String(req.body?.csv ?? '').slice(0, 100_000);
    const lignes = texte.split(/\r?\n/).map((l, i) => ({ n: i + 1, l: l.trim() })).filter((x) => x.l && !/^e-?mail\b/i.test(x.l));
    if (!lignes.length) {
      res.status(400).send(render(req, { title: 'Erreur — Import Pix', content: P.pageImportPix(csrfToken(req), texte, null, 'Collez au moins une ligne : adresse e-mail ; date ; score.'), breadcrumb: SOUS_DEMANDES('Importer des résultats Pix') }));
      return;
    }
    const rapport: P.LigneImport[] = [];
    for (const { n, l } of lignes) {
      const [emailBrut = '', dateBrute = '', scoreBrut = ''] = l.split(/[;,\t]/).map((c) => c.trim());
      const email = normaliserEmail(emailBrut);
      const date = dateIso(dateBrute);
      const score = Number(scoreBrut.replace(',', '.'));
      const refus = (resultat: string, message: string) => rapport.push({ ligne: n, email: emailBrut, ok: false, resultat, message: `${message} Rien n'a été enregistré.` });
      if (!emailValide(email)) { refus('Ligne invalide', 'Adresse e-mail invalide.'); continue; }
      const erreurDate = erreurDatePassee(date, new Date(), 'du test');
      if (erreurDate) { refus('Ligne invalide', erreurDate); continue; }
      const erreurScore = scoreBrut === '' ? 'Score manquant.' : erreurScorePix(score);
      if (erreurScore) { refus(scoreBrut === '' ? 'Ligne invalide' : 'Score refusé', erreurScore); continue; }
      const a = await aidantPourImportPix(db, email);
      const motif = motifFormationImpossible(a);
      if (!a || motif) { refus(motif!.resultat, motif!.message); continue; }
      if (a.pix_date) { refus('Déjà enregistré', `Le test Pix de cet aidant est déjà enregistré (${a.pix_score} %).`); continue; }
      try {
        await enregistrerPix(deps.temporal, a.id, { date, score });
        rapport.push({ ligne: n, email: emailBrut, ok: true, resultat: 'Enregistré', message: `Test Pix enregistré (${score} %).` });
      } catch (err) {
        if (!(err instanceof RefusProcessus)) throw err;
        rapport.push({ ligne: n, email: emailBrut, ok: false, resultat: 'Refusé', message: err.message });
      }
    }
    res.send(render(req, { title: 'Rapport — Import Pix', content: P.pageImportPix(csrfToken(req), '', rapport), breadcrumb: SOUS_DEMANDES('Importer des résultats Pix') }));
  });

  // ---- Waiting list (aidants added later by référents) -------------------------------------------------

  async function afficherAttente(req: Request, res: Response, status = 200, erreurs: Erreurs = {}, valeurs: Record<string, string> = {}) {
    const { attente, enFormation } = await aidantsAjoutesParLesReferents(db);
    res.status(status).send(render(req, { title: 'Aidants ajoutés par les référents', content: P.pageListeAttente(attente, enFormation, csrfToken(req), erreurs, valeurs), breadcrumb: SOUS_DEMANDES("Liste d'attente") }));
  }

  router.post('/staff/habilitations/aidants/:aid/accepter', async (req, res) => {
    const a = await aidantEtRetour(String(req.params.aid));
    if (await rattachementNonConsenti(db, { ...a, structure_id: a.structure_id! })) {
      flash(req, 'error', `${a.first_name} ${a.last_name} a déjà un compte dans une autre structure : un référent de cette structure doit d'abord donner son accord. Rien n'a été modifié.`);
      return res.redirect(303, '/staff/habilitations/liste-attente');
    }
    // The status and the training workflow start commit together (a failed start rolls back).
    const accepte = await accepterAidantEnAttente(db, deps.temporal, { id: a.id, structure_id: a.structure_id! });
    flash(req, accepte ? 'success' : 'error', accepte ? `La demande pour ${a.first_name} ${a.last_name} est acceptée : sa formation peut commencer.` : "Cet aidant n'est plus en liste d'attente : rien n'a été modifié.");
    res.redirect(303, '/staff/habilitations/liste-attente');
  });

  router.post('/staff/habilitations/aidants/:aid/refuser', async (req, res) => {
    const a = await aidantEtRetour(String(req.params.aid));
    const refuse = await refuserAidantEnAttente(deps, { ...a, structure_id: a.structure_id! });
    flash(req, refuse ? 'success' : 'error', refuse ? `La demande pour ${a.first_name} ${a.last_name} est refusée ; ses référents sont prévenus par e-mail.` : "Cet aidant n'est plus en liste d'attente : rien n'a été modifié.");
    res.redirect(303, '/staff/habilitations/liste-attente');
  });

  return router;
}
