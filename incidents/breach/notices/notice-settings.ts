/** What notices need from the configuration: the sender's name and where public links point. */
export interface NoticeSettings {
  organization: string;
  publicUrl: string;
}

export function publicNoticeLink(settings: Pick<NoticeSettings, 'publicUrl'>, token: string): string {
  return `${settings.publicUrl.replace(/\/$/, '')}/notices/${token}`;
}
