// Imported first: zod must not probe `new Function` (JIT parsers) under a CSP without
// 'unsafe-eval'. The probe's caught error would still be reported as a CSP violation.
import { z } from 'zod';

z.config({ jitless: true });
