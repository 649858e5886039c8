// What waits in the session across a re-authentication (issue 18, api/auth/saisie-en-attente.ts): the fields
// of the form, never the CSRF token nor a code; given back once, to the form it came from, within 30 minutes.
import { describe, expect, test } from '@jest/globals';
import type { Request } from 'express';
import { garderSaisie, reprendreSaisie } from '../../api/auth/saisie-en-attente.ts';

const requete = (body: unknown, originalUrl = '/mandats/nouveau') => ({ body, originalUrl, session: {} }) as unknown as Request;

describe('saisie en attente', () => {
  test('keeps the fields, never the CSRF token nor a code; given back once, to its own form', () => {
    const req = requete({ _csrf: 'jeton', code: '123456', demarches: ['papiers', 'social'], duree: 'LONG', telephone: '06 12 34 56 78', objet: { a: 1 } });
    garderSaisie(req);
    expect(JSON.stringify(req.session)).not.toMatch(/jeton|123456/);
    expect(reprendreSaisie(req, '/mandats/nouveau/recapitulatif')).toBeNull();
    expect(reprendreSaisie(req, '/mandats/nouveau')).toEqual({ demarches: ['papiers', 'social'], duree: 'LONG', telephone: '06 12 34 56 78' });
    expect(reprendreSaisie(req, '/mandats/nouveau')).toBeNull();
  });

  test('nothing older than a creation’s 30 minutes, nothing oversized', () => {
    const req = requete({ duree: 'LONG' });
    garderSaisie(req);
    expect(reprendreSaisie(req, '/mandats/nouveau', Date.now() + 31 * 60_000)).toBeNull();
    const enorme = requete({ texte: 'x'.repeat(10_000) });
    garderSaisie(enorme);
    expect(enorme.session.saisieEnAttente).toBeUndefined();
  });
});
