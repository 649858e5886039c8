// The header's main navigation, as data: each entry says who sees it. A new space adds one line here (for
// example `{ label: 'Usagers et mandats', href: '/espace-aidant/usagers', pour: (u) => u?.isAidant === true }`)
// and the header, the phone menu and the current-page marker follow.

export interface PageUser {
  fullName: string;
  isStaff?: boolean;
  /** Manages at least one active structure (espace référent). */
  isReferent?: boolean;
  /** Accompanies usagers (not staff, not a référent who is not an aidant). */
  isAidant?: boolean;
  /** The structure the account acts for (header), and whether it has others to switch to. */
  structure?: { nom: string; plusieurs: boolean } | null;
}

export interface NavEntry {
  label: string;
  href: string;
}

interface NavRule extends NavEntry {
  pour: (user: PageUser | null) => boolean;
}

export const ENTREES_NAVIGATION: NavRule[] = [
  { label: 'Accueil', href: '/', pour: (u) => !u },
  { label: 'Demander une habilitation', href: '/habilitation', pour: (u) => !u },
  { label: 'Mon espace aidant', href: '/espace-aidant', pour: (u) => u?.isAidant === true },
  { label: 'Mes usagers', href: '/usagers', pour: (u) => u?.isAidant === true },
  { label: 'Espace référent', href: '/espace-referent', pour: (u) => u?.isReferent === true },
  { label: "Demandes d'habilitation", href: '/staff/habilitations', pour: (u) => u?.isStaff === true },
  { label: "Liste d'attente", href: '/staff/habilitations/liste-attente', pour: (u) => u?.isStaff === true },
  { label: 'Structures', href: '/staff/structures', pour: (u) => u?.isStaff === true },
  { label: 'Alertes', href: '/staff/alertes', pour: (u) => u?.isStaff === true },
  { label: 'Cartes TOTP', href: '/staff/cartes', pour: (u) => u?.isStaff === true },
  { label: 'Intégrité du journal', href: '/staff/journal', pour: (u) => u?.isStaff === true },
  { label: 'Signalements', href: '/staff/signalements', pour: (u) => u?.isStaff === true },
];

export function navigation(user: PageUser | null): NavEntry[] {
  return ENTREES_NAVIGATION.filter((e) => e.pour(user)).map(({ label, href }) => ({ label, href }));
}

/** The entry the path belongs to: the longest href that is the path or one of its parents. */
export function entreeCourante(entries: NavEntry[], path: string): NavEntry | undefined {
  const under = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return entries.filter((e) => under(e.href)).sort((a, b) => b.href.length - a.href.length)[0];
}
