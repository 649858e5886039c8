// The French emails of authentication.
import type { Aidant } from '../models/index.ts';
import { DUREE_LIEN_CONNEXION_MS } from '../domain/authentification.ts';

export function courrielLienConnexion(aidant: Pick<Aidant, 'first_name' | 'is_staff'>, link: string) {
  const minutes = DUREE_LIEN_CONNEXION_MS / 60_000;
  return {
    subject: 'Votre lien de connexion à Aidants Connect',
    text: `Bonjour ${aidant.first_name},

Pour vous connecter à Aidants Connect, ouvrez ce lien dans les ${minutes} minutes :
${link}

Le lien ne fonctionne qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message${aidant.is_staff ? '' : ' et prévenez le référent Aidants Connect de votre structure'}.

L'équipe Aidants Connect`,
  };
}

export function courrielPremiereConnexion(aidant: Pick<Aidant, 'first_name'>, link: string) {
  return {
    subject: 'Votre première connexion à Aidants Connect',
    text: `Bonjour ${aidant.first_name},

Vous avez le rôle de référent Aidants Connect pour votre structure. Pour votre première connexion, ouvrez ce lien puis saisissez le code reçu par SMS :
${link}

Le lien et le code expirent dans 30 minutes et ne servent qu'une fois. Vous configurerez ensuite votre application d'authentification.

L'équipe Aidants Connect`,
  };
}
