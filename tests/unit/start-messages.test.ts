// What `npm start` and `npm run seed` print, and the local inbox's links.
import { describe, expect, test } from '@jest/globals';
import { localUrls, seedReportLines, startReadyLines, watchesLine } from '../../scripts/messages.ts';
import { linkify } from '../../scripts/fakes/mail-catcher.ts';

describe('start and seed messages', () => {
  test('the ready line of npm start says what to do next, with the configured ports', () => {
    const lines = startReadyLines('4.2', { web: 'http://127.0.0.1:3100', mail: 'http://127.0.0.1:1180', sms: 'http://127.0.0.1:1190', temporalUi: 'http://127.0.0.1:8333' });
    expect(lines[0]).toBe('prêt en 4.2 s — http://127.0.0.1:3100  (/health pour la santé, courriels : http://127.0.0.1:1180, SMS : http://127.0.0.1:1190, Temporal : http://127.0.0.1:8333) — Ctrl-C pour arrêter');
    expect(lines[1]).toContain('npm run seed');
    expect(lines[1]).toContain('http://127.0.0.1:3100/premiere-connexion');
  });

  test('the seed prints the configured port, never 3000 by mistake, and reads well', () => {
    const urls = localUrls({ PORT: '3100', MAIL_UI_PORT: '1180' }, null);
    expect(urls).toEqual({ web: 'http://127.0.0.1:3100', mail: 'http://127.0.0.1:1180', sms: 'http://127.0.0.1:1090', temporalUi: undefined });
    // npm start's runtime file wins over defaults.
    expect(localUrls({}, { web: 'http://127.0.0.1:3200', mail: 'http://127.0.0.1:1280' }).web).toBe('http://127.0.0.1:3200');
    const text = seedReportLines({
      structureId: 1, staffEmail: 'equipe@aidantsconnect.beta.gouv.fr', structure: { name: 'France Services de Saint-Denis', siret: '21930066000004' },
      referent: { email: 'sophie.martin@saint-denis.fr', phone: '06 12 34 56 78' }, aidants: ['karim.benali@saint-denis.fr'],
      applications: [{ label: "l'équipe ANCT", secret: 'ABC', uri: 'otpauth://totp/x' }, { label: "l'aidant karim.benali@saint-denis.fr", secret: 'DEF', uri: 'otpauth://totp/y' }],
      mandats: 4,
    }, urls).join('\n');
    expect(text).toContain('4 mandats de démonstration');
    expect(text).toContain("compte de l'équipe ANCT : equipe@aidantsconnect.beta.gouv.fr");
    expect(text).toContain("compte d'aidant         : karim.benali@saint-denis.fr");
    expect(text).toContain("de l'équipe ANCT : clé ABC");
    expect(text).toContain("de l'aidant karim.benali@saint-denis.fr : clé DEF");
    expect(text).toContain('http://127.0.0.1:3100/premiere-connexion avec sophie.martin@saint-denis.fr');
    expect(text).toContain('http://127.0.0.1:1180');
    expect(text).not.toContain(':3000');
    expect(text).not.toMatch(/\(s\)|de équipe|de aidant/);
    expect(watchesLine(1, 2)).toContain('1 veille démarrée, 2 déjà en cours');
  });

  test('the local inbox shows the links of an email as links, escaped', () => {
    expect(linkify('Ouvrez ce lien : http://127.0.0.1:3000/connexion/lien/abc.\nMerci <3'))
      .toBe('Ouvrez ce lien : <a href="http://127.0.0.1:3000/connexion/lien/abc">http://127.0.0.1:3000/connexion/lien/abc</a>.\nMerci &lt;3');
    expect(linkify('a http://x.test/?a=1&b="2" b')).toBe('a <a href="http://x.test/?a=1&amp;b=">http://x.test/?a=1&amp;b=</a>&quot;2&quot; b');
  });
});
