// The terms of use, in their current version.
import { html } from '../ui/html.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { dateEnFrancais } from '../../db/domain/francais.ts';

export const cguContent = html`<h1>Conditions générales d'utilisation</h1>
<p class="fr-text--sm">Version du ${dateEnFrancais(VERSION_CGU)}</p>
<h2>1. Objet du service</h2>
<p>Aidants Connect permet à des aidants professionnels, salariés ou agents d'une structure habilitée, de réaliser des démarches administratives en ligne pour le compte d'un usager qui leur a donné mandat. L'accompagnement est gratuit pour l'usager.</p>
<h2>2. Qui peut être aidant</h2>
<p>Seuls des professionnels formés peuvent être habilités. Ne peuvent pas l'être : les bénévoles, les volontaires du service civique, les stagiaires, les apprentis, les élus et les mandataires judiciaires.</p>
<h2>3. Connexion</h2>
<p>Chaque aidant se connecte avec une adresse e-mail professionnelle, nominative et individuelle, et un code à usage unique. Sans connexion pendant cinq mois, un courriel d'avertissement est envoyé ; sans connexion le mois suivant, le compte est désactivé. Le référent de la structure peut le réactiver.</p>
<h2>4. Mandats</h2>
<p>Un mandat est signé par l'usager pour des démarches et une durée choisies (un jour, un mois, six mois ou douze mois). Il est révocable à tout moment. Les mandats sont conservés six ans après leur fin.</p>
<h2>5. Traçabilité</h2>
<p>Toutes les actions réalisées sont inscrites dans un journal qui ne peut être ni modifié ni effacé. Des comportements inhabituels (mandats créés hors des horaires d'ouverture, nombreux mandats en peu de temps) peuvent être signalés à la structure.</p>`;
