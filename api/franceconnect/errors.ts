// Why identifying a usager through FranceConnect failed, with the sentence shown to the aidant.

export type CodeErreurFranceConnect = 'access_denied' | 'state_invalide' | 'jeton_invalide' | 'identite_invalide' | 'indisponible';

export const MESSAGES_FRANCECONNECT: Record<CodeErreurFranceConnect, string> = {
  access_denied: "L'usager a annulé la connexion FranceConnect. Recommencez quand il est prêt.",
  state_invalide: "Cette réponse de FranceConnect n'est plus valable (déjà utilisée, expirée ou modifiée). Recommencez l'identification de l'usager.",
  jeton_invalide: "La réponse de FranceConnect n'a pas pu être vérifiée. Recommencez l'identification de l'usager ; si cela se reproduit, contactez le support.",
  identite_invalide: "L'identité transmise par FranceConnect est incomplète ou mal formée : le mandat ne peut pas être créé. Contactez le support.",
  indisponible: 'FranceConnect ne répond pas correctement pour le moment. Réessayez dans quelques minutes.',
};

export class FranceConnectError extends Error {
  readonly code: CodeErreurFranceConnect;
  /** Technical detail for the logs (never shown to the aidant). */
  readonly detail: string;

  constructor(code: CodeErreurFranceConnect, detail: string, options?: { cause?: unknown }) {
    super(MESSAGES_FRANCECONNECT[code], options);
    this.name = 'FranceConnectError';
    this.code = code;
    this.detail = detail;
  }
}
