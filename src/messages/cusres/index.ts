/**
 * Interactive API messages (docs/acknowledgements.md "Interactive API messages"): the PAXLST
 * request read for its answer, the CUSRES built and read, the test-stage responder. Pure: no I/O.
 */
export {
  iapiRequestOf, type Composite, type IapiFlight, type IapiProblem, type IapiProblemReason, type IapiRequest, type IapiRequestProblem,
  type IapiTraveller
} from './request.js'
export {
  buildCusres, buildCusresError, fitText, textElementLength, NO_ANSWER_IN_TIME, type CusresErrorOptions, type CusresOptions,
  type IapiAnswer, type IapiDecisionCode
} from './build.js'
export { readAllCusres, readCusres, readCusresMessage, type CusresError, type CusresPassenger, type CusresReading } from './read.js'
export { decideByRules, DECISION_TEXTS, globPattern, type TestResponder, type TestResponderRule } from './test-responder.js'
