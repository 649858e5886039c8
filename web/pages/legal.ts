// Legal pages linked from every footer: accessibility statement, legal notice.
import { html } from '../ui/html.ts';

export const accessibiliteContent = html`<h1>Déclaration d'accessibilité</h1>
<p>L'Agence nationale de la cohésion des territoires s'engage à rendre ce service accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>
<h2>État de conformité</h2>
<p>Aidants Connect est <strong>non conforme</strong> avec le référentiel général d'amélioration de l'accessibilité (RGAA) : aucun audit n'a encore été réalisé. Chaque page est vérifiée automatiquement (axe) à chaque modification du service.</p>
<h2>Retour d'information et contact</h2>
<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'équipe Aidants Connect pour être orienté vers une alternative accessible.</p>`;

export const mentionsLegalesContent = html`<h1>Mentions légales</h1>
<h2>Éditeur</h2>
<p>Agence nationale de la cohésion des territoires (ANCT), 20 avenue de Ségur, 75007 Paris.</p>
<h2>Hébergement</h2>
<p>Le service est hébergé en France sur une infrastructure qualifiée pour les données des services publics.</p>
<h2>Données personnelles</h2>
<p>Les mandats sont conservés six ans après leur fin, puis supprimés automatiquement. Le journal des actions ne peut être ni modifié ni effacé.</p>`;
