import type { ActionContext, Actor } from '../auth/actor.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../database/index.ts';
import type { Logger } from '../logger.ts';

/** Resolves a dashboard session (cookie) to an actor; the dashboards part provides it. */
/** Cookie header to actor; `touch: false` checks the session without counting the request as activity. */
export type SessionResolver = (
  cookieHeader: string | undefined,
  db: DatabaseHandle['db'],
  options?: { touch?: boolean },
) => Promise<Actor | null>;

/** What the app is built from; tests build it with their own database and config. */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Seals stored secrets (TOTP seeds); made once at startup (otherwise from the config when needed). */
  secrets?: SecretBox;
  resolveSession?: SessionResolver;
  /** Path prefixes served without credentials (each part adds its own). */
  publicPaths: string[];
  /** Exact paths that enforce their own body limit instead of BODY_LIMIT_BYTES. */
  ownBodyLimitPaths?: string[];
  /** Where a browser asking for a page without credentials is sent (the dashboard's login page). */
  loginPath?: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    logger: Logger;
    /** The authenticated actor, or the anonymous one on public paths. */
    ctx: ActionContext;
  };
}
