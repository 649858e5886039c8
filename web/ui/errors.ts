// Error pages in the DSFR style: page not found, forbidden, invalid form token, server error.
import { html } from './html.ts';

export function errorContent(status: number): { title: string; content: ReturnType<typeof html> } {
  const texts: Record<number, [string, string, string]> = {
    400: ['Requête invalide', 'Erreur 400', "La requête envoyée n'est pas valide. Revenez à la page précédente et réessayez."],
    403: ['Accès refusé', 'Erreur 403', "Vous n'avez pas les droits nécessaires pour accéder à cette page."],
    404: ['Page non trouvée', 'Erreur 404', "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée. Si vous avez tapé l'adresse web dans le navigateur, vérifiez qu'elle est correcte."],
    413: ['Fichier trop volumineux', 'Erreur 413', 'Le fichier envoyé dépasse 1 Mo. Découpez-le et réessayez.'],
    419: ['Formulaire expiré', 'Erreur 403', "Le formulaire a expiré ou n'a pas été envoyé depuis ce site. Revenez à la page précédente, rechargez-la et réessayez."],
    500: ['Erreur inattendue', 'Erreur 500', "Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus rapidement possible. Réessayez plus tard."],
    503: ['Service indisponible', 'Erreur 503', 'Le service est momentanément indisponible. Réessayez dans quelques minutes.'],
  };
  const [title, code, text] = texts[status] ?? texts[500];
  return {
    title,
    content: html`<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-8">
    <h1>${title}</h1>
    <p class="fr-text--sm fr-mb-3w">${code}</p>
    <p class="fr-text--lead fr-mb-3w">${text}</p>
    <ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="/">Page d'accueil</a></li></ul>
  </div>
</div>`,
  };
}
