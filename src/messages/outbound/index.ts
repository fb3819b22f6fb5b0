/** Messages from the PIU to carriers (docs/outbound.md): the JSON forms and the interchanges built from them. Pure: no I/O. */
export { buildCusresUpdate, buildGovreq, type BuiltInterchange, type OutboundBuildOptions } from './build.js'
export { localParts, type CusresUpdateForm, type GovreqForm, type OutboundFlight, type OutboundForm } from './form.js'
