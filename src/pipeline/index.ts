export { createPipeline, type PipelineDeps } from './pipeline.js'
export {
  createInteractivePipeline, type InteractiveInput, type InteractivePipeline, type InteractiveResult, type LateDecision
} from './interactive.js'
export { checkThreadsOf, createChecker, type Checker, type CheckerOptions } from './check-pool.js'
export { checkTransmission, type Checked, type CheckJob } from './check.js'
export { type Assessment, type AssessContext, type AssessedMessage } from './assess.js'
export { buildReply, type BuiltReply } from './reply.js'
export type * from './types.js'
