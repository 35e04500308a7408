import { ConflictError } from '../../../platform/index.ts';

/** What notices need from the configuration: the sender's name and where public links point. */
export interface NoticeSettings {
  /** BREACH_ORGANIZATION_NAME; letters and reports cannot go out without it. */
  organization: string | undefined;
  publicUrl: string;
}

export function publicNoticeLink(settings: Pick<NoticeSettings, 'publicUrl'>, token: string): string {
  return `${settings.publicUrl.replace(/\/$/, '')}/notices/${token}`;
}

/** The organisation letters and reports are from; refuses (naming the setting) when it is not configured. */
export function organizationOf(settings: Pick<NoticeSettings, 'organization'>, what: string): string {
  if (settings.organization) return settings.organization;
  throw new ConflictError(
    `${what} needs the organisation's name, which the letters carry: set BREACH_ORGANIZATION_NAME (e.g. "Acme Payments Ltd") and restart Firebreak.`,
    'not_configured',
  );
}
