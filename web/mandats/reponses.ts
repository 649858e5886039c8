// What every mandat page shares: the guard (an aidant allowed to make mandats, with a fresh TOTP) and the two
// dead-end answers, each with a way back to the usagers (web/mandats/pages.ts creationImpossiblePage).
import type { Request, Response } from 'express';
import { requireRecentTotp } from '../../api/auth/session.ts';
import { requireAidantMandats } from '../../api/mandats/acces.ts';
import { render } from '../ui/render.ts';
import { creationImpossiblePage, PARENTS_USAGERS } from './pages.ts';

export const garde = [requireAidantMandats, requireRecentTotp];

/** A usager or mandat of another structure is simply not found (404), like one that does not exist. */
export function introuvable(req: Request, res: Response): void {
  res.status(404).send(render(req, {
    title: 'Page introuvable', breadcrumb: { parents: PARENTS_USAGERS },
    content: creationImpossiblePage('Ce mandat ou cet usager n’existe pas, ou n’est pas lié à votre structure.'),
  }));
}

export function impossible(req: Request, res: Response, status: number, message: string): void {
  res.status(status).send(render(req, { title: 'Mandat non créé', breadcrumb: { parents: PARENTS_USAGERS }, content: creationImpossiblePage(message) }));
}

/** Why the draft of a creation cannot go on (api/mandats/brouillon.ts brouillonEnCours). */
export const RAISONS_BROUILLON = {
  absent: 'Aucune création de mandat n’est en cours dans ce navigateur.',
  expire: 'La création du mandat a duré plus de 30 minutes : recommencez-la.',
  'autre-compte': 'Cette création de mandat a été commencée par un autre compte ou pour une autre structure.',
} as const;
