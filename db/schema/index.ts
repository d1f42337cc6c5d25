export * from './accounts';
export * from './claims';
export * from './disclosures';
export * from './messages';
export * from './organizations';
export * from './series';
export * from './sessions';
