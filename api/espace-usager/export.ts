// « Télécharger mes données » (RGPD art. 15 and 20; issue 21 §6): everything held about the usager, as JSON —
// the identity as FranceConnect sent it, contact details structures entered, mandats, autorisations, the
// journal entries about them and their reports — with how long each is kept and why. Journaled
// (`export_donnees_usager`) after it was read.
import type { Db } from '../../db/connection.ts';
import { CONSERVATION_MANDAT_ANNEES, datePurgeMandat } from '../../db/domain/mandat.ts';
import { donneesDeLUsager } from '../../db/queries/espace-usager.ts';
import { journaliser } from '../../db/queries/journal.ts';

export const DUREES_DE_CONSERVATION = [
  {
    donnees: 'Votre identité (transmise par FranceConnect) et vos coordonnées',
    duree: `${CONSERVATION_MANDAT_ANNEES} ans après la fin de votre dernier mandat`,
    pourquoi: 'Prouver qui a donné mandat, pendant le délai de prescription pénale (conditions générales d’utilisation, article 7.1). Elles sont ensuite supprimées automatiquement.',
  },
  {
    donnees: 'Vos mandats et leurs démarches',
    duree: `${CONSERVATION_MANDAT_ANNEES} ans après la fin de chaque mandat (expiration ou révocation)`,
    pourquoi: 'Prouver ce que vous avez autorisé et jusqu’à quand. Chaque mandat est ensuite supprimé automatiquement par son processus de suivi.',
  },
  {
    donnees: 'Le journal des actions faites en votre nom',
    duree: 'Conservé sans limite, sans donnée d’identité : après la suppression du mandat, il ne contient plus que des numéros',
    pourquoi: 'Garder la trace de chaque action, qui ne peut être ni modifiée ni effacée.',
  },
  {
    donnees: 'Vos signalements',
    duree: `Jusqu’à la suppression de votre identité (${CONSERVATION_MANDAT_ANNEES} ans après la fin de votre dernier mandat)`,
    pourquoi: 'Permettre à la structure et à l’équipe Aidants Connect de vérifier ce que vous avez signalé.',
  },
] as const;

export async function exporterDonnees(db: Db, usagerId: number, maintenant = new Date()) {
  const d = await donneesDeLUsager(db, usagerId);
  if (!d) return null;
  const { id: _id, created_at, updated_at, phone, ...identite } = d.usager;
  const donnees = {
    genere_le: maintenant.toISOString(),
    service: 'Aidants Connect',
    identite_franceconnect: identite,
    coordonnees: { telephone: phone, enregistre_le: created_at, mis_a_jour_le: updated_at, par_structure: d.coordonnees },
    mandats: d.mandats.map((m: Record<string, unknown> & { id: number; status: string; ended_at: Date | null; expires_at: Date }) => ({
      ...m,
      suppression_prevue_le: m.status === 'active' ? null : datePurgeMandat(m.ended_at ?? m.expires_at),
      autorisations: d.autorisations.filter((a: { mandat_id: number }) => a.mandat_id === m.id).map(({ mandat_id: _m, ...a }: Record<string, unknown>) => a),
    })),
    journal: d.journal,
    signalements: d.signalements,
    conservation: DUREES_DE_CONSERVATION,
  };
  await journaliser(db, { action: 'export_donnees_usager', usager_id: usagerId });
  return donnees;
}
