// Where a usager was born, written for the aidant to check with them (issue 18): FranceConnect sends INSEE
// codes (birthplace: a commune, birthcountry: 99xxx), the recap, the usager's page and the PDF write names —
// « né(e) à Paris 7e Arrondissement (75) », « né(e) en Espagne ». Communes come from the official geographic
// code as @etalab/decoupage-administratif publishes it (communes, arrondissements municipaux, communes
// déléguées and associées, and the codes of merged communes); countries from INSEE's code → ISO table
// (db/domain/pays-insee.ts) and CLDR's French names (Intl.DisplayNames). An unknown code is written as
// such, never guessed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ISO_DES_PAYS_INSEE } from './pays-insee.ts';
import { PAYS_FRANCE } from './usager.ts';

interface CommuneCog {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
  departement?: string;
  anciensCodes?: string[];
}

type Commune = { nom: string; departement: string | null; rattacheeA?: string };

// An arrondissement is where the person was born; a commune still in force comes before a déléguée or associée
// one of the same code (the code of the chef-lieu of a commune nouvelle is both).
const RANG: Record<CommuneCog['type'], number> = { 'arrondissement-municipal': 0, 'commune-actuelle': 1, 'commune-deleguee': 2, 'commune-associee': 3 };

let communes: Map<string, Commune> | null = null;

/** Read once, on first use (8 MB of JSON: the processes that never write a birthplace never load it). */
function tableCommunes(): Map<string, Commune> {
  if (communes) return communes;
  const require = createRequire(import.meta.url);
  const liste = JSON.parse(readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8')) as CommuneCog[];
  const table = new Map<string, Commune & { rang: number }>();
  for (const c of [...liste].sort((a, b) => RANG[a.type] - RANG[b.type])) {
    if (!table.has(c.code)) table.set(c.code, { nom: c.nom, departement: c.departement ?? null, rang: RANG[c.type] });
  }
  // A code that no longer exists (a commune merged into another): the commune it now belongs to.
  for (const c of liste) {
    if (c.type !== 'commune-actuelle') continue;
    for (const ancien of c.anciensCodes ?? []) {
      if (!table.has(ancien)) table.set(ancien, { nom: c.nom, departement: c.departement ?? null, rattacheeA: c.nom, rang: 9 });
    }
  }
  communes = new Map([...table].map(([code, { rang: _r, ...c }]) => [code, c]));
  return communes;
}

export function communeInsee(code: string): Commune | null {
  return tableCommunes().get(code) ?? null;
}

const NOMS_PAYS = new Intl.DisplayNames(['fr'], { type: 'region', fallback: 'none' });
// CLDR's short names where the long one is an administrative title (« R.A.S. chinoise de Hong Kong »).
const NOMS_COURTS = new Intl.DisplayNames(['fr'], { type: 'region', style: 'short', fallback: 'none' });
const COURTS = new Set(['HK', 'MO', 'PS']);
// Where INSEE gives one code to a country and its territories, the country.
const PAYS_PRINCIPAL = new Set(['AU', 'DK', 'GB', 'NL', 'NO', 'NZ']);

/** The French names of an INSEE country code: one name, or the territories it covers; [] when unknown. */
export function paysInsee(code: string): string[] {
  if (code === PAYS_FRANCE) return ['France'];
  const iso = ISO_DES_PAYS_INSEE[code] ?? [];
  const principal = iso.find((i) => PAYS_PRINCIPAL.has(i));
  return (principal ? [principal] : iso).map((i) => (COURTS.has(i) ? NOMS_COURTS : NOMS_PAYS).of(i)).filter((n): n is string => Boolean(n));
}

// « en Espagne », « au Japon », « aux États-Unis », « à Cuba »: the preposition French uses before a country.
const A = new Set(['Antigua-et-Barbuda', 'Bahreïn', 'Chypre', 'Cuba', 'Curaçao', 'Djibouti', 'Gibraltar', 'Guernesey', 'Haïti', 'Hong Kong', 'Jersey',
  'Kiribati', 'Macao', 'Madagascar', 'Malte', 'Maurice', 'Monaco', 'Nauru', 'Oman', 'Porto Rico', 'Saint-Christophe-et-Niévès', 'Saint-Marin',
  'Saint-Martin (partie néerlandaise)', 'Sainte-Hélène', 'Sainte-Lucie', 'Saint-Vincent-et-les Grenadines', 'Sao Tomé-et-Principe', 'Singapour',
  'Taïwan', 'Trinité-et-Tobago', 'Tuvalu']);
const A_LA = new Set(['Barbade', 'Dominique', 'Grenade']);
const AUX = new Set(['Bahamas', 'Comores', 'Émirats arabes unis', 'États-Unis', 'Fidji', 'Maldives', 'Palaos', 'Pays-Bas', 'Pays-Bas caribéens', 'Philippines', 'Samoa', 'Seychelles', 'Tonga']);
const MASCULINS_EN_E = new Set(['Belize', 'Cambodge', 'Mexique', 'Mozambique', 'Royaume-Uni', 'Suriname', 'Zimbabwe']);
const DANS = new Set(['État de la Cité du Vatican', 'Territoire britannique de l’océan Indien']);

export function dansLePays(nom: string): string {
  if (A.has(nom)) return `à ${nom}`;
  if (A_LA.has(nom)) return `à la ${nom}`;
  if (AUX.has(nom) || nom.startsWith('Îles ')) return `aux ${nom}`;
  if (DANS.has(nom)) return nom.startsWith('É') ? `dans l’${nom}` : `dans le ${nom}`;
  if (/^[AEIOUÉÈÊÎÔ]/i.test(nom)) return `en ${nom}`;
  const premier = nom.split(/[\s-]/)[0];
  if ((premier.endsWith('e') || nom === 'Sierra Leone') && !MASCULINS_EN_E.has(nom)) return `en ${nom}`;
  return `au ${nom}`;
}

/** The birthplace as a name to read: « Paris 7e Arrondissement (75) », « Espagne »; codes only when unknown. */
export function lieuNaissance(u: { birthplace: string | null; birthcountry: string }): string {
  if (u.birthcountry === PAYS_FRANCE) {
    const c = u.birthplace ? communeInsee(u.birthplace) : null;
    if (!c) return `France (commune de code INSEE ${u.birthplace || 'inconnu'})`;
    const nom = c.rattacheeA ? `commune aujourd’hui rattachée à ${c.nom}` : c.nom;
    return c.departement ? `${nom} (${c.departement})` : nom;
  }
  const pays = paysInsee(u.birthcountry);
  if (!pays.length) return `à l’étranger (pays de code INSEE ${u.birthcountry})`;
  return pays.join(', ');
}

/** « à Paris 7e Arrondissement (75) », « en Espagne », « aux États-Unis »: the place after « né(e) le … ». */
export function aLieu(u: { birthplace: string | null; birthcountry: string }): string {
  if (u.birthcountry === PAYS_FRANCE) {
    const c = u.birthplace ? communeInsee(u.birthplace) : null;
    if (!c) return `en France (commune de code INSEE ${u.birthplace || 'inconnu'})`;
    const departement = c.departement ? ` (${c.departement})` : '';
    return c.rattacheeA ? `dans une commune aujourd’hui rattachée à ${c.nom}${departement}` : `à ${c.nom}${departement}`;
  }
  const pays = paysInsee(u.birthcountry);
  if (!pays.length) return `à l’étranger (pays de code INSEE ${u.birthcountry})`;
  if (pays.length > 1) return `dans l’un de ces territoires : ${pays.join(', ')}`;
  return dansLePays(pays[0]);
}

/** « né(e) à Paris 7e Arrondissement (75) », « né(e) en Espagne », « né(e) aux États-Unis ». */
export function neA(u: { birthplace: string | null; birthcountry: string }): string {
  return `né(e) ${aLieu(u)}`;
}
