import { describe, expect, it } from 'vitest';
import { renderAnnouncement, renderSummary } from './blocks.ts';

describe('Slack messages escape what people typed', () => {
  it('shows <!channel>, mentions and disguised links as text, not as Slack markup', () => {
    const snapshot = {
      id: '00000000-0000-4000-8000-000000000001',
      reference: 'INC-7',
      title: '<!channel> see <https://evil.example|the runbook> & <@U0BOSS>',
      severity: 'sev2',
      phase: 'preparation',
      services: ['<!here>'],
      commander: { name: 'Ana <!everyone>' },
      acknowledgedAt: null,
      closedAt: null,
    } as unknown as Parameters<typeof renderSummary>[0];
    const summary = renderSummary(snapshot, 'https://firebreak.test/i/7', null);
    // The header block is plain_text, which Slack shows as it is: no markup to escape there.
    const mrkdwn = { text: summary.text, blocks: summary.blocks.filter((block) => block.type !== 'header') };
    const rendered = JSON.stringify([mrkdwn, renderAnnouncement(snapshot, 'https://firebreak.test/i/7', null)]);
    for (const markup of ['<!channel>', '<!here>', '<!everyone>', '<https://evil.example', '<@U0BOSS>'])
      expect(rendered).not.toContain(markup);
    expect(rendered).toContain('&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt; &amp; &lt;@U0BOSS&gt;');
    // Firebreak's own links stay links.
    expect(rendered).toContain('<https://firebreak.test/i/7|');
  });
});
