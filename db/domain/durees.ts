// Units of the service's business durations, so each rule says "5 * MOIS" rather than a raw product.
export const MINUTE_MS = 60 * 1000;
export const HEURE_MS = 60 * MINUTE_MS;
export const JOUR_MS = 24 * HEURE_MS;
