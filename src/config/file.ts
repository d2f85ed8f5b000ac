// incident-scout.yaml: the non-secret settings a file may hold (the environment wins over it).
import { z } from 'zod';
import { evidenceFileSchema } from './sources';
import { intIn, LEVELS, nonEmpty, regex, httpUrl } from './env';

/** incident-scout.yaml: non-secret settings. Environment variables win over it. */
export const fileSchema = z
  .object({
    incident_channel_pattern: regex.optional(),
    slack: z
      .object({ api_url: httpUrl.optional(), port: intIn(1, 65535).optional() })
      .strict()
      .optional(),
    redis: z
      .object({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9:_-]{1,40}$/)
          .optional(),
      })
      .strict()
      .optional(),
    models: z.object({ lead: nonEmpty.optional(), scout: nonEmpty.optional() }).strict().optional(),
    evidence: evidenceFileSchema.optional(),
    investigation: z
      .object({
        max_seconds: intIn(10, 3600).optional(),
        baseline_minutes: intIn(5, 24 * 60).optional(),
        concurrency: intIn(1, 64).optional(),
      })
      .strict()
      .optional(),
    manifests: z.object({ scouts: nonEmpty.optional(), actions: nonEmpty.optional() }).strict().optional(),
    executor: z
      .object({
        env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an env var name'), z.string()).optional(),
        workdir: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    log_level: z.enum(LEVELS).optional(),
    alerts: z
      .object({
        channel_template: z
          .string()
          .regex(/^[A-Za-z0-9_{}-]{1,80}$/)
          .optional(),
        invite: z.array(z.string().regex(/^[USW][A-Z0-9]+$/)).optional(),
        private_channels: z.boolean().optional(),
      })
      .strict()
      .optional(),
    kubernetes: z
      .object({
        namespaces: z.array(z.string().regex(/^(\*|[a-z0-9-]+)$/)).min(1),
        context: nonEmpty.optional(),
        service_label: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    github: z
      .object({
        api_url: httpUrl.optional(),
        repos: z.record(nonEmpty, z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')),
      })
      .strict()
      .optional(),
  })
  .strict();
