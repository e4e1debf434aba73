import { z } from 'zod';
import { DEFAULT_FOLLOWUP_PERIODS, FollowupPeriods, FollowupPeriodsOverride } from './domain/followup-policy.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES, SlaTable } from './domain/sla-policy.js';

/** An empty variable (`TANDEM_SMTP_URL=`) is an unset one. */
const emptyIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

export const DEFAULT_MAIL_FROM = 'Tandem Support <support@tandem.example>';

/**
 * Every setting Tandem reads, validated once at cold start. Nothing else reads `process.env`:
 * handlers and adapters get a `Config` (or what they need from it) passed in.
 */
const EnvSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default('demo-tandem'),
  FIRESTORE_EMULATOR_HOST: z.string().optional(),
  PUBSUB_EMULATOR_HOST: z.string().optional(),
  /**
   * The Firebase Authentication emulator (`127.0.0.1:9099`): its unsigned ID tokens are then accepted.
   * Only with a `demo-` project (see {@link loadConfig}).
   */
  FIREBASE_AUTH_EMULATOR_HOST: z.string().optional(),
  /** Where customers and partners reach Tandem: links in responses and callback URLs use it. */
  TANDEM_PUBLIC_URL: z.url().default('http://127.0.0.1:8100'),
  TANDEM_PORT: z.coerce.number().int().min(1).max(65_535).default(8100),
  /** Overrides the first-response table: JSON `{"premium": {"P1": 15, …}, …}`. */
  TANDEM_SLA_TABLE: z.string().optional(),
  /** Overrides some follow-up periods, in minutes: JSON `{"customerReminderMinutes": 4320, …}`. */
  TANDEM_FOLLOWUP_PERIODS: z.string().optional(),
  TANDEM_WORKFLOWS_LOCATION: z.string().min(1).default('us-central1'),
  TANDEM_WORKFLOW_NAME: z.string().min(1).default('partner-escalation'),
  /** The local Workflows runner (`http://127.0.0.1:8190`); unset in production, where the real API is used. */
  TANDEM_WORKFLOWS_ENDPOINT: z.url().optional(),
  /** Base URL of the internal `escalationSteps` function the workflow calls; default TANDEM_PUBLIC_URL. */
  TANDEM_ESCALATION_STEPS_URL: z.url().optional(),
  /** How long partner and catalog lookups are cached per instance. */
  TANDEM_REGISTRY_TTL_SECONDS: z.coerce.number().int().nonnegative().default(60),
  /** The mail relay, `smtp://user@host:587` (STARTTLS when offered) or `smtps://…` (TLS); its password is a secret. */
  TANDEM_SMTP_URL: emptyIsUnset(z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }).optional()),
  /** The From of every email: an address, or `Name <address>`. */
  TANDEM_MAIL_FROM: z
    .string()
    .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address, or "Name <address>"')
    .default(DEFAULT_MAIL_FROM),
  /**
   * The duty channel's Google Chat incoming webhook (its `key` and `token` make it a secret: never
   * logged, and never echoed in an error). https, or http to this machine only (the local catcher).
   */
  TANDEM_CHAT_WEBHOOK_URL: emptyIsUnset(z.string().refine(isChatWebhookUrl, 'an https URL (http only for 127.0.0.1 or localhost)').optional()),
});

export interface Config {
  projectId: string;
  emulators: { firestore?: string; pubsub?: string };
  /** Whose ID tokens are accepted (adapters/id-token-verifier.ts). */
  identity: IdentityConfig;
  publicUrl: string;
  port: number;
  firstResponseMinutes: SlaTable;
  followupPeriods: FollowupPeriods;
  workflows: { location: string; workflowName: string; endpoint?: string; escalationStepsUrl: string };
  registryTtlMs: number;
  notifications: NotificationsConfig;
}

/** Where notify sends from and to. Unset channels: notify cannot be built (production-deps.ts says so). */
export interface NotificationsConfig {
  smtpUrl?: string;
  /** `Name <address>` or an address: the From of every email. */
  mailFrom: string;
  chatWebhookUrl?: string;
  /** The web app's base URL, `${publicUrl}/app`: a case is `${appUrl}/cases/{caseId}`. */
  appUrl: string;
}

/**
 * The ID tokens Tandem accepts: those of `projectId`'s Firebase Authentication, signed by Google; or,
 * when `emulatorHost` is set (a `demo-` project only), the unsigned tokens of the Authentication emulator.
 */
export interface IdentityConfig {
  projectId: string;
  emulatorHost?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and checks the environment; throws one {@link ConfigError} naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Tandem's configuration is invalid:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    projectId: e.GOOGLE_CLOUD_PROJECT,
    emulators: { firestore: e.FIRESTORE_EMULATOR_HOST, pubsub: e.PUBSUB_EMULATOR_HOST },
    identity: identityConfig(e.GOOGLE_CLOUD_PROJECT, e.FIREBASE_AUTH_EMULATOR_HOST),
    publicUrl: e.TANDEM_PUBLIC_URL.replace(/\/$/, ''),
    port: e.TANDEM_PORT,
    firstResponseMinutes: e.TANDEM_SLA_TABLE ? parseSlaTable(e.TANDEM_SLA_TABLE) : DEFAULT_FIRST_RESPONSE_MINUTES,
    followupPeriods: e.TANDEM_FOLLOWUP_PERIODS ? parseFollowupPeriods(e.TANDEM_FOLLOWUP_PERIODS) : DEFAULT_FOLLOWUP_PERIODS,
    workflows: {
      location: e.TANDEM_WORKFLOWS_LOCATION,
      workflowName: e.TANDEM_WORKFLOW_NAME,
      endpoint: e.TANDEM_WORKFLOWS_ENDPOINT,
      escalationStepsUrl: (e.TANDEM_ESCALATION_STEPS_URL ?? e.TANDEM_PUBLIC_URL).replace(/\/$/, ''),
    },
    registryTtlMs: e.TANDEM_REGISTRY_TTL_SECONDS * 1000,
    notifications: {
      smtpUrl: e.TANDEM_SMTP_URL,
      mailFrom: e.TANDEM_MAIL_FROM,
      chatWebhookUrl: e.TANDEM_CHAT_WEBHOOK_URL,
      appUrl: `${e.TANDEM_PUBLIC_URL.replace(/\/$/, '')}/app`,
    },
  };
}

/** https anywhere; plain http only to this machine, where the local stack's chat catcher listens. */
function isChatWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * The Authentication emulator's tokens are unsigned: anyone can make one. They are accepted only for
 * a `demo-` project, which never reaches real Google Cloud, so a deployed function that has the
 * emulator variable set refuses to start rather than accept forged tokens. An empty value is unset.
 */
function identityConfig(projectId: string, emulatorHost: string | undefined): IdentityConfig {
  if (!emulatorHost) return { projectId };
  if (!projectId.startsWith('demo-')) {
    throw new ConfigError(
      `FIREBASE_AUTH_EMULATOR_HOST is set (${emulatorHost}) but the project "${projectId}" is not a demo- project. ` +
        "The Authentication emulator's tokens are unsigned, so Tandem accepts them only in a demo- project: " +
        'unset FIREBASE_AUTH_EMULATOR_HOST for a real project, or use a demo- project (such as demo-tandem) with the emulator.',
    );
  }
  return { projectId, emulatorHost };
}

function parseSlaTable(json: string): SlaTable {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('TANDEM_SLA_TABLE is not valid JSON');
  }
  const table = SlaTable.safeParse(raw);
  if (!table.success) throw new ConfigError(`TANDEM_SLA_TABLE: ${z.prettifyError(table.error)}`);
  return table.data;
}

/** Periods not named keep their defaults; the result is checked as a whole (the reminder before the closure). */
function parseFollowupPeriods(json: string): FollowupPeriods {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('TANDEM_FOLLOWUP_PERIODS is not valid JSON');
  }
  const override = FollowupPeriodsOverride.safeParse(raw);
  if (!override.success) throw new ConfigError(`TANDEM_FOLLOWUP_PERIODS: ${z.prettifyError(override.error)}`);
  const periods = FollowupPeriods.safeParse({ ...DEFAULT_FOLLOWUP_PERIODS, ...override.data });
  if (!periods.success) throw new ConfigError(`TANDEM_FOLLOWUP_PERIODS: ${z.prettifyError(periods.error)}`);
  return periods.data;
}
