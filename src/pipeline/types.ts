/**
 * The channel ↔ pipeline contract of `transmission/contract.ts`, instantiated with the full carrier
 * agreement: what channels hand to this pipeline and get back (docs/architecture.md "Channels and
 * the pipeline").
 */
import type { Agreement } from '../agreements/schema.js'
import type * as Contract from '../transmission/contract.js'

export type ExcludedAgreement = Contract.ExcludedAgreement<Agreement>
export type TransmissionInput = Contract.TransmissionInput<Agreement>
export type TransmissionResult = Contract.TransmissionResult<Agreement>
export type Pipeline = Contract.Pipeline<Agreement>
