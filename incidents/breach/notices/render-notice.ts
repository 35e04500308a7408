import { DateTime } from 'luxon';
import type { Assessment } from '../assessment/index.ts';
import type { NoticeTemplate, RegimeDefinition } from '../regimes/index.ts';
import { NOTICE_SECTIONS } from '../regimes/index.ts';
import type { NoticeSectionContent } from './schema/breach-notices.ts';

export const TO_BE_COMPLETED = '[to be completed';

/** For obligations whose regime brings no letter: the regulator's sections, to be written by the drafter. */
export const GENERIC_NOTICE_TEMPLATE: NoticeTemplate = {
  subject: 'Notification of a security incident by {{organization}}',
  greeting: 'To {{recipient.name}},',
  sections: {
    whatHappened: { heading: 'What happened', body: '{{facts.natureOfBreach}}' },
    whatInformationWasInvolved: { heading: 'What information was involved', body: '{{facts.dataCategories}}' },
    whatWeAreDoing: { heading: 'What we are doing', body: '{{facts.measuresTaken}}' },
    whatYouCanDo: { heading: 'What you can do', body: `${TO_BE_COMPLETED}: what the recipient can do]` },
    otherImportantInformation: { heading: 'Other important information', body: '{{facts.likelyConsequences}}' },
    forMoreInformation: { heading: 'For more information', body: '{{facts.contactPoint}}' },
  },
};

export interface RenderContext {
  assessment: Assessment;
  regime: Pick<RegimeDefinition, 'timeZone'>;
  language: string;
  organization: string;
}

function formatValue(value: unknown, language: string): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'boolean') return language.startsWith('de') ? (value ? 'ja' : 'nein') : value ? 'yes' : 'no';
  if (typeof value === 'number') return new Intl.NumberFormat(language).format(value);
  return String(value);
}

/**
 * Fills a template's placeholders from the assessment: {{facts.<name>}}, {{anchors.<name>}} (shown in
 * the regime's time zone) and {{organization}}. {{recipient.name}} stays for each recipient's copy;
 * an unknown value becomes a visible "[to be completed: ...]" that blocks approval.
 */
export function fillPlaceholders(text: string, context: RenderContext): string {
  return text.replace(/\{\{\s*([a-zA-Z]+)(?:\.([a-zA-Z]+))?\s*\}\}/g, (whole, scope: string, name: string | undefined) => {
    if (scope === 'organization') return context.organization;
    if (scope === 'recipient') return whole;
    if (scope === 'facts' && name) {
      const value = context.assessment.facts[name as keyof typeof context.assessment.facts];
      return value === undefined || value === null ? `${TO_BE_COMPLETED}: ${name}]` : formatValue(value, context.language);
    }
    if (scope === 'anchors' && name) {
      const moment = context.assessment.anchors[name as keyof typeof context.assessment.anchors];
      if (!moment) return `${TO_BE_COMPLETED}: ${name}]`;
      return DateTime.fromJSDate(moment, { zone: context.regime.timeZone })
        .setLocale(context.language)
        .toLocaleString(DateTime.DATETIME_FULL);
    }
    return `${TO_BE_COMPLETED}: ${scope}${name ? `.${name}` : ''}]`;
  });
}

export function renderTemplate(template: NoticeTemplate, context: RenderContext) {
  const sections: NoticeSectionContent[] = NOTICE_SECTIONS.flatMap((key) => {
    const section = template.sections[key];
    return section ? [{ key, heading: fillPlaceholders(section.heading, context), body: fillPlaceholders(section.body, context) }] : [];
  });
  return { subject: fillPlaceholders(template.subject, context), greeting: fillPlaceholders(template.greeting, context), sections };
}

/** Placeholders and gaps still left in a notice's text. */
export function unfinishedParts(texts: string[]): string[] {
  const gaps = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\[to be completed[^\]]*\]/g)) gaps.add(match[0]);
    for (const match of text.matchAll(/\{\{\s*([a-zA-Z.]+)\s*\}\}/g)) if (match[1] !== 'recipient.name') gaps.add(match[0]);
  }
  return [...gaps];
}

export interface RenderedLetter {
  subject: string;
  greeting: string;
  sections: { heading: string; body: string }[];
}

/** One recipient's copy of a notice. */
export function personalize(
  notice: { subject: string; greeting: string; sections: NoticeSectionContent[] },
  recipientName: string,
): RenderedLetter {
  const fill = (text: string) => text.replace(/\{\{\s*recipient\.name\s*\}\}/g, recipientName);
  return {
    subject: fill(notice.subject),
    greeting: fill(notice.greeting),
    sections: notice.sections.map((section) => ({ heading: fill(section.heading), body: fill(section.body) })),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export function letterAsText(letter: RenderedLetter, publicLink: string): string {
  const parts = [
    letter.greeting,
    ...letter.sections.map((section) => `${section.heading}\n${'-'.repeat(section.heading.length)}\n${section.body}`),
  ];
  return `${parts.join('\n\n')}\n\nThis notice is also available at ${publicLink}\n`;
}

export function letterAsHtml(letter: RenderedLetter, publicLink: string, language: string): string {
  const paragraphs = (text: string) =>
    text
      .split(/\n{2,}/)
      .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
      .join('');
  const sections = letter.sections
    .map((section) => `<h2 style="font-size:1.1em">${escapeHtml(section.heading)}</h2>${paragraphs(section.body)}`)
    .join('');
  return `<!doctype html><html lang="${escapeHtml(language)}"><body style="font-family:sans-serif;max-width:40em;line-height:1.5"><h1 style="font-size:1.3em">${escapeHtml(letter.subject)}</h1><p>${escapeHtml(letter.greeting)}</p>${sections}<p><a href="${escapeHtml(publicLink)}">${escapeHtml(publicLink)}</a></p></body></html>`;
}
