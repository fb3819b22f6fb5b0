export { createPipeline, type PipelineDeps } from './process.js'
export { assessTransmission, type Assessment, type AssessContext, type AssessedMessage } from './assess.js'
export { buildReply, type BuiltReply } from './acknowledge.js'
export type * from './types.js'
