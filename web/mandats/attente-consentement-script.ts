// The waiting page's only script (served from the app, so the CSP `script-src 'self'` allows it; no inline
// script): it polls the request's JSON state every 3 seconds and, when the state changes, moves on to the next
// step the server names (FranceConnect after consent) or reloads the page (refusal, expiry, failure, a retry
// under way). States that only wait for the aidant (consent already shown, refusal, expiry, mandat) are not
// polled.
export const SCRIPT_ATTENTE_CONSENTEMENT = `'use strict';
(function () {
  var zone = document.getElementById('etat-consentement');
  if (!zone) return;
  var url = zone.getAttribute('data-etat');
  var statut = zone.getAttribute('data-statut');
  if (statut !== 'envoi' && statut !== 'attente' && statut !== 'echec') return;
  function interroger() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401 || r.status === 404) { window.location.reload(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (etat) {
        if (etat && etat.statut !== statut) {
          if (etat.suite) window.location.assign(etat.suite);
          else window.location.reload();
          return;
        }
        window.setTimeout(interroger, 3000);
      })
      .catch(function () { window.setTimeout(interroger, 10000); });
  }
  window.setTimeout(interroger, 3000);
})();
`;
