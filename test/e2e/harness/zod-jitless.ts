/**
 * Imported first by the page script. Zod compiles object schemas with `new Function`
 * unless told not to, and decides when each schema is built, probing with `new Function("")`;
 * under the app's CSP (no 'unsafe-eval') that probe is a reported CSP violation. It must be
 * configured before any schema module is evaluated, hence a module of its own. The harness's
 * copy of zod thus causes no violation: one the tests report is the renderer's.
 */
import { z } from 'zod';

z.config({ jitless: true });
