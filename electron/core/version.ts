/** The software version recorded in audit entries; kept in step with package.json by a test. */
export const SOFTWARE_VERSION = '0.1.0';
