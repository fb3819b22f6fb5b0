/**
 * The officer's name for the CLI: the rule of src/onboarding/officer.ts, with a bad `--by` reported
 * as a usage error (exit 2, docs/cli.md "Exit codes and help").
 */
import { givenOfficer, officerName as onboardingOfficer } from '../onboarding/officer.js'
import { UsageError } from './io.js'

export function officerName (by: string | undefined, env: NodeJS.ProcessEnv): string {
  if (by !== undefined && givenOfficer(by) === null) throw new UsageError('--by NAME needs a name (one line)')
  return onboardingOfficer(by, env)
}
