/**
 * How the core's utility process is started: its script, its arguments, and an
 * environment reduced to what a Node process needs to find its temporary folder, so that
 * NODE_OPTIONS and the like set around the app cannot reach the process that holds keys.
 */
import type { ForkOptions } from 'electron';

const PASSED_THROUGH = ['HOME', 'USERPROFILE', 'TMPDIR', 'TEMP', 'TMP', 'SystemRoot', 'LANG'] as const;

export function coreEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function coreForkOptions(env: NodeJS.ProcessEnv): ForkOptions {
  return { serviceName: 'Tearline core', env: coreEnvironment(env), stdio: 'inherit' };
}
