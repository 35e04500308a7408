import type { ActionItem } from '../action-items/index.ts';
import type { Incident } from '../schema/incidents.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';

/** An approved analysis as people read it away from Firebreak: a Slack message and an e-mail. */
export interface RcaReport {
  subject: string;
  text: string;
  html: string;
  slackText: string;
  slackBlocks: Record<string, unknown>[];
}

interface Section {
  heading: string;
  /** Paragraph text, or list entries. */
  body: string | string[];
  numbered?: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
/** Slack mrkdwn treats &, < and > as markup. */
const escapeSlack = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const day = (at: Date | null) => (at ? at.toISOString().slice(0, 10) : 'no due date');

function sectionsOf(rca: RootCauseAnalysis, items: ActionItem[]): Section[] {
  const sections: Section[] = [
    { heading: 'Summary', body: rca.summary },
    { heading: 'Impact', body: rca.impact },
    { heading: 'Root causes', body: rca.rootCauses },
    { heading: 'Contributing factors', body: rca.contributingFactors },
    { heading: 'Five whys', body: rca.fiveWhys.map((why) => `${why.question} — ${why.answer}`), numbered: true },
    { heading: 'Lessons learned', body: rca.lessonsLearned },
    {
      heading: 'Action items',
      body: items
        .filter((item) => item.status !== 'cancelled')
        .map((item) => `${item.title} (owner ${item.ownerName}, due ${day(item.dueAt)}${item.status === 'done' ? ', done' : ''})`),
    },
  ];
  return sections.filter((section) => (Array.isArray(section.body) ? section.body.length > 0 : section.body.trim().length > 0));
}

/** Slack caps a section's text at 3000 characters. */
const clip = (text: string, limit = 2900) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

/** The report of an approved analysis, with the incident's page for everything else. */
export function renderRcaReport(
  incident: Pick<Incident, 'title' | 'severity'>,
  reference: string,
  rca: RootCauseAnalysis,
  items: ActionItem[],
  link: string,
): RcaReport {
  const sections = sectionsOf(rca, items);
  const subject = `Root-cause analysis: ${reference} ${incident.title}`;
  const byline = `Written by ${rca.authorName}, approved by ${rca.approvedByName ?? 'a reviewer'} on ${day(rca.approvedAt)}. Severity ${incident.severity.toUpperCase()}.`;
  const listText = (section: Section) =>
    Array.isArray(section.body)
      ? section.body.map((entry, index) => `${section.numbered ? `${index + 1}.` : '-'} ${entry}`).join('\n')
      : section.body;
  const text = [
    subject,
    byline,
    ...sections.map((section) => `${section.heading.toUpperCase()}\n${listText(section)}`),
    `The incident, its timeline and the full report: ${link}`,
  ].join('\n\n');
  const htmlBody = (section: Section) => {
    if (!Array.isArray(section.body))
      return section.body
        .split(/\n{2,}/)
        .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
        .join('');
    const tag = section.numbered ? 'ol' : 'ul';
    return `<${tag}>${section.body.map((entry) => `<li>${escapeHtml(entry)}</li>`).join('')}</${tag}>`;
  };
  const html = `<!doctype html><html lang="en"><body style="font-family:sans-serif;max-width:42em;line-height:1.5"><h1 style="font-size:1.3em">${escapeHtml(subject)}</h1><p style="color:#555">${escapeHtml(byline)}</p>${sections
    .map((section) => `<h2 style="font-size:1.1em">${escapeHtml(section.heading)}</h2>${htmlBody(section)}`)
    .join('')}<p><a href="${escapeHtml(link)}">The incident, its timeline and the full report</a></p></body></html>`;
  const slackList = (section: Section) =>
    Array.isArray(section.body)
      ? section.body.map((entry, index) => `${section.numbered ? `${index + 1}.` : '•'} ${escapeSlack(entry)}`).join('\n')
      : escapeSlack(section.body);
  const slackBlocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${reference}: ${incident.title}`, 150) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(byline) }] },
    ...sections.map((section) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*${section.heading}*\n${slackList(section)}`) },
    })),
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: `<${link}|The incident, its timeline and the full report>` } },
  ];
  return {
    subject,
    text,
    html,
    slackText: `:memo: Root-cause analysis of ${reference} (${escapeSlack(incident.title)}) approved: ${escapeSlack(clip(rca.summary, 300))}`,
    slackBlocks,
  };
}
