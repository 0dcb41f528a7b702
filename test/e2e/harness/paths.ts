/** The harness's own endpoints, beside the renderer's files on the same origin. */
export const HARNESS_PREFIX = '/__harness/';
export const API_SCRIPT_PATH = `${HARNESS_PREFIX}tearline-api.js`;
export const INVOKE_PATH = `${HARNESS_PREFIX}invoke`;
export const EVENTS_PATH = `${HARNESS_PREFIX}events`;
export const ACTIVITY_PATH = `${HARNESS_PREFIX}activity`;
