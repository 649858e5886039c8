// Every Objection model of the domain.
export { Structure } from './structure.ts';
export { Aidant } from './aidant.ts';
export { TotpCard, TotpDevice } from './totp-device.ts';
export { Demandeur, DemandeHabilitation, DemandeAidant, MessageHabilitation } from './habilitation.ts';
export { Usager, Mandat, Autorisation } from './mandat.ts';
export { JournalEntry } from './journal.ts';
export { OutboxMessage } from './outbox.ts';
