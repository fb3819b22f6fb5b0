/** The shared vocabulary, the bottom layer (docs/architecture.md "Layers"). */
export * from './vocabulary.js'
export * from './finding.js'
export * from './envelope.js'
export * from './ledger-row.js'
export type * from './contract.js'
