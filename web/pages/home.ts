// The public home page: what the service is and who it is for.
import { html } from '../ui/html.ts';

export const homeContent = html`
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-8">
    <h1>Aidants Connect</h1>
    <p class="fr-text--lead">Réaliser des démarches administratives en ligne pour le compte d'une personne qui ne peut pas les faire seule, dans un cadre légal et sécurisé.</p>
    <p>Les aidants professionnels des structures habilitées (France Services, CCAS, mairies, associations…) agissent grâce à un <strong>mandat</strong> signé par l'usager, pour une liste de démarches et une durée choisies ensemble. Chaque action est tracée dans un journal qui ne peut être ni modifié ni effacé.</p>
  </div>
</div>
<div class="fr-grid-row fr-grid-row--gutters fr-mt-2w">
  <div class="fr-col-12 fr-col-md-4">
    <div class="fr-card">
      <div class="fr-card__body"><div class="fr-card__content">
        <h2 class="fr-card__title">Vous êtes aidant ou référent</h2>
        <p class="fr-card__desc">Connectez-vous avec votre adresse e-mail professionnelle et le code de votre carte ou de votre application d'authentification.</p>
      </div>
      <div class="fr-card__footer"><a class="fr-btn" href="/connexion">Se connecter</a></div></div>
    </div>
  </div>
  <div class="fr-col-12 fr-col-md-4">
    <div class="fr-card">
      <div class="fr-card__body"><div class="fr-card__content">
        <h2 class="fr-card__title">Votre structure souhaite être habilitée</h2>
        <p class="fr-card__desc">Déposez une demande d'habilitation : l'équipe Aidants Connect l'instruit, puis vos aidants sont formés et activés.</p>
      </div>
      <div class="fr-card__footer"><a class="fr-btn fr-btn--secondary" href="/habilitation">Demander une habilitation</a></div></div>
    </div>
  </div>
  <div class="fr-col-12 fr-col-md-4">
    <div class="fr-card">
      <div class="fr-card__body"><div class="fr-card__content">
        <h2 class="fr-card__title">Vous êtes accompagné par un aidant ?</h2>
        <p class="fr-card__desc">Connectez-vous avec FranceConnect pour voir vos mandats et tout ce qui a été fait en votre nom, révoquer un mandat ou signaler une action que vous ne reconnaissez pas.</p>
      </div>
      <div class="fr-card__footer"><a class="fr-btn fr-btn--secondary" href="/espace-usager">Accéder à mon espace usager</a></div></div>
    </div>
  </div>
</div>`;
