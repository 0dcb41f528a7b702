/**
 * Imported first by the preload. Zod compiles parsers with `new Function` unless told not
 * to, probing for it as schemas are built; the preload shares the page's CSP, which has no
 * 'unsafe-eval', so the probe would be a reported violation. It must be set before any
 * schema module is evaluated, hence a module of its own.
 */
import { z } from 'zod';

z.config({ jitless: true });
