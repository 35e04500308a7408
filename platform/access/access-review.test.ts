import { expect } from 'vitest';
import { listMessages } from '../../notifier/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { createUser, systemContext } from '../index.ts';

const days = (count: number) => count * 86_400_000;
const HOSTILE_NAME = '=cmd|\' /C calc\'!A0 "the admin"';

interface ReviewBody {
  since: string;
  people: { id: string; name: string; role: string; login: string; mfa: string; status: string; lastLoginAt: string | null }[];
  tokens: { name: string; kind: string; role: string; ownerName: string | null; lastUsedAt: string | null }[];
  elevations: { id: string; status: string; actionsTaken: number }[];
  changes: { action: string; actorName: string }[];
  lastReview: { reviewerName: string; notes: string } | null;
  nextReviewDueAt: string;
}

/** Parses RFC 4180 CSV rows (quoted or bare cells, doubled quotes, CRLF rows; no line break inside a cell). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\r\n').filter(Boolean)) {
    const cells: string[] = [];
    const pattern = /(?:^|,)(?:"((?:[^"]|"")*)"|([^",]*))(?=,|$)/g;
    for (const match of line.matchAll(pattern)) cells.push(match[1] === undefined ? (match[2] ?? '') : match[1].replaceAll('""', '"'));
    rows.push(cells);
  }
  return rows;
}

describeOnBackends('access review', () => {
  it('lists people and tokens, elevations and changes, as JSON and as formula-safe CSV', async ({ firebreak }) => {
    const ana = await firebreak.tokenFor('admin', 'Ana Admin');
    const system = systemContext(firebreak.database.db, firebreak.config);
    const hostile = await createUser(system, {
      email: 'mallory@example.com',
      name: HOSTILE_NAME,
      role: 'viewer',
      password: 'correct horse battery',
    });
    const bo = await firebreak.tokenFor('commander', 'Bo Chen');
    const asked = (await (
      await firebreak.request('POST', '/api/elevations', {
        token: bo,
        json: { role: 'admin', minutes: 30, reason: '+SUM(A1) fix the routing rule' },
      })
    ).json()) as { id: string };
    await firebreak.request('POST', `/api/elevations/${asked.id}/approve`, { token: ana, json: {} });
    await firebreak.request('POST', '/api/tokens', { token: bo, json: { name: '@scraper', role: 'viewer' } });

    const response = await firebreak.request('GET', '/api/access-review', { token: ana });
    expect(response.status).toBe(200);
    const review = (await response.json()) as ReviewBody;
    expect(Math.abs(Date.now() - days(90) - new Date(review.since).getTime())).toBeLessThan(days(1));
    expect(review.people.find((person) => person.id === hostile.id)).toMatchObject({
      name: HOSTILE_NAME,
      role: 'viewer',
      login: 'password',
      mfa: 'none',
      status: 'active',
      lastLoginAt: null,
    });
    expect(review.tokens.find((token) => token.name === '@scraper')).toMatchObject({
      kind: 'person',
      ownerName: 'Bo Chen',
      role: 'viewer',
    });
    expect(review.tokens.find((token) => token.name === 'Bo Chen')?.lastUsedAt).not.toBeNull();
    expect(review.elevations).toEqual([expect.objectContaining({ id: asked.id, status: 'active', actionsTaken: 1 })]);
    expect(review.changes.map((change) => change.action)).toEqual(
      expect.arrayContaining(['users.user.create', 'auth.elevation.request', 'auth.elevation.approve', 'tokens.token.create']),
    );
    expect(review.lastReview).toBeNull();
    expect(Math.abs(new Date(review.nextReviewDueAt).getTime() - (Date.now() + days(90)))).toBeLessThan(days(1));

    const csvResponse = await firebreak.request('GET', '/api/access-review', { token: ana, headers: { accept: 'text/csv' } });
    expect(csvResponse.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvResponse.headers.get('content-disposition')).toMatch(/attachment; filename="access-review-\d{4}-\d{2}-\d{2}\.csv"/);
    const csv = await csvResponse.text();
    // Quoted where RFC 4180 needs it, inner quotes doubled; a cell that would be a formula starts with an apostrophe.
    expect(csv).toContain(`,"'=cmd|' /C calc'!A0 ""the admin""",`);
    expect(csv).not.toMatch(/(^|,)"?[=+\-@]/m);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'type',
      'id',
      'name',
      'email_or_owner',
      'role',
      'status',
      'login',
      'mfa',
      'last_login_or_use',
      'created_at',
      'elevations_in_period',
      'changes_in_period',
    ]);
    const mallory = rows.find((row) => row[1] === hostile.id);
    expect(mallory?.slice(2, 8)).toEqual([`'${HOSTILE_NAME}`, 'mallory@example.com', 'viewer', 'active', 'password', 'none']);
    expect(mallory?.[11]).toMatch(/users\.user\.create by Firebreak/);
    const boRow = rows.find((row) => row[0] === 'person' && row[2] === 'Bo Chen');
    expect(boRow?.[10]).toMatch(/^admin active .*decided by Ana Admin, 1 actions\): \+SUM\(A1\) fix the routing rule$/);
    expect(rows.find((row) => row[2] === "'@scraper")?.slice(0, 5)).toEqual([
      'person token',
      expect.any(String),
      "'@scraper",
      'Bo Chen',
      'viewer',
    ]);
    expect((await firebreak.request('GET', '/api/access-review?format=csv', { token: ana })).headers.get('content-type')).toMatch(
      /^text\/csv/,
    );
  });

  it('records a review (audited), counts the next one from it, and reminds the admins when it is due', async ({ world }) => {
    const { firebreak } = world;
    world.slack.addChannel('incidents');
    const ana = await firebreak.tokenFor('admin', 'Ana Admin');
    const recorded = await firebreak.request('POST', '/api/access-review/reviews', {
      token: ana,
      json: { notes: 'Removed two leavers; the scraper token is still needed.' },
    });
    expect(recorded.status).toBe(201);
    const review = (await recorded.json()) as { id: string; reviewerName: string; nextReviewDueAt: string };
    expect(review.reviewerName).toBe('Ana Admin');
    const dueAt = new Date(review.nextReviewDueAt).getTime();
    expect(Math.abs(dueAt - (Date.now() + days(90)))).toBeLessThan(60_000);
    const report = (await (await firebreak.request('GET', '/api/access-review', { token: ana })).json()) as ReviewBody;
    expect(report.lastReview).toMatchObject({
      reviewerName: 'Ana Admin',
      notes: 'Removed two leavers; the scraper token is still needed.',
    });
    expect(report.nextReviewDueAt).toBe(review.nextReviewDueAt);
    const audit = (await (await firebreak.request('GET', '/api/audit?action=access.review.record')).json()) as {
      entries: { actorName: string; targetId: string }[];
    };
    expect(audit.entries).toEqual([expect.objectContaining({ actorName: 'Ana Admin', targetId: review.id })]);

    // Nothing before it is due; at the due time the admins hear of it, once, and the next one is planned.
    await firebreak.scheduler.runDueTimers(new Date(dueAt - days(1)));
    await firebreak.notifier.worker.drain();
    expect(world.smtp.received.filter((mail) => mail.subject.startsWith('Access review due'))).toHaveLength(0);
    await firebreak.scheduler.runDueTimers(new Date(dueAt + 1000));
    await firebreak.scheduler.runDueTimers(new Date(dueAt + 2000));
    // Once in the outbox (one e-mail to the one admin, one post to the channel)...
    const { messages } = await listMessages(firebreak.database.db, { limit: 100 });
    const written = messages.filter((message) => JSON.stringify(message.payload).includes('access review is due'));
    expect(written.map((message) => message.channel).sort()).toEqual(['email', 'slack']);
    // ...and delivered (a clock an hour on lets a delivery that timed out on a busy machine be retried).
    await firebreak.notifier.worker.drain(() => new Date(Date.now() + 3_600_000));
    const reminders = world.smtp.received.filter((mail) => mail.subject.startsWith('Access review due'));
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders[0]?.text).toContain('The last one was recorded');
    expect(reminders[0]?.text).toContain('http://firebreak.test/admin/access-review');
    const channel = (world.slack.channelByName('incidents')?.messages ?? []).map((message) => message.text).join('\n');
    expect(channel).toMatch(/:mag: An access review is due/);
  });

  it('refuses bad input, missing credentials and roles other than admin', async ({ firebreak }) => {
    const ana = await firebreak.tokenFor('admin', 'Ana');
    const commander = await firebreak.tokenFor('commander');
    expect((await firebreak.request('GET', '/api/access-review', { token: null })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/access-review', { token: commander })).status).toBe(403);
    expect((await firebreak.request('POST', '/api/access-review/reviews', { token: commander, json: { notes: 'x' } })).status).toBe(403);
    expect((await firebreak.request('POST', '/api/access-review/reviews', { token: null, json: { notes: 'x' } })).status).toBe(401);
    const badSince = await firebreak.request('GET', '/api/access-review?since=last-tuesday', { token: ana });
    expect(badSince.status).toBe(400);
    expect(((await badSince.json()) as { error: { message: string } }).error.message).toMatch(/since/);
    const noNotes = await firebreak.request('POST', '/api/access-review/reviews', { token: ana, json: { notes: '  ' } });
    expect(noNotes.status).toBe(400);
    expect(((await noNotes.json()) as { error: { message: string } }).error.message).toMatch(/notes/);
    // A review is a person's statement: the service token cannot record one.
    expect((await firebreak.request('POST', '/api/access-review/reviews', { json: { notes: 'all fine' } })).status).toBe(403);
  });
});
