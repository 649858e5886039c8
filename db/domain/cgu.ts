// The terms of use (CGU): versioned; every account must accept the current version before using the service.
export const VERSION_CGU = '2026-06-01';
