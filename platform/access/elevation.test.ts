import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { NotifierWorld } from '../../test/harness/notifier.ts';
import { createToken, systemContext, updateUser } from '../index.ts';
import { elevations } from '../schema/elevations.ts';

interface ElevationBody {
  id: string;
  status: string;
  role: string;
  fromRole: string;
  selfApproved: boolean;
  endsAt: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface AuditBody {
  entries: { action: string; actorName: string; targetId: string | null; details: Record<string, unknown> }[];
}

const minutes = (count: number) => count * 60_000;

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function ask(firebreak: TestFirebreak, token: string, body: Record<string, unknown>) {
  return firebreak.request('POST', '/api/elevations', { token, json: body });
}

const breakGlass = { role: 'admin', minutes: 60, reason: 'Rotate the leaked Slack token during INC-7' };

/** The messages the ops channel (#incidents) received, as text, after the outbox ran. */
async function opsChannel(world: NotifierWorld): Promise<string> {
  await world.firebreak.notifier.worker.drain();
  return (world.slack.channelByName('incidents')?.messages ?? []).map((message) => message.text).join('\n');
}

describeOnBackends('break-glass elevation', () => {
  it('is asked for, approved by another admin, marks what is done under it, and expires by the scheduler', async ({ world }) => {
    const { firebreak } = world;
    world.slack.addChannel('incidents');
    const bo = await firebreak.tokenFor('commander', 'Bo Chen');
    const ana = await firebreak.tokenFor('admin', 'Ana Admin');

    const asked = await ask(firebreak, bo, breakGlass);
    expect(asked.status).toBe(201);
    const pending = await json<ElevationBody>(asked);
    expect(pending).toMatchObject({ status: 'pending', role: 'admin', fromRole: 'commander', selfApproved: false, endsAt: null });
    // Pending grants nothing yet.
    expect((await firebreak.request('POST', '/api/tokens', { token: bo, json: { name: 'x', role: 'viewer' } })).status).toBe(403);
    // The asker lacks the right to decide; a service token never decides.
    expect((await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { token: bo, json: {} })).status).toBe(403);
    const byService = await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { json: {} });
    expect(byService.status).toBe(403);
    expect((await json<ErrorBody>(byService)).error.message).toMatch(/service token/);

    const approved = await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { token: ana, json: { note: 'go' } });
    expect(approved.status).toBe(200);
    const active = await json<ElevationBody>(approved);
    expect(active.status).toBe('active');
    const endsAt = new Date(active.endsAt ?? 0).getTime();
    expect(Math.abs(endsAt - (Date.now() + minutes(60)))).toBeLessThan(minutes(1));
    // Decided once: a second decision is a conflict.
    const again = await firebreak.request('POST', `/api/elevations/${pending.id}/refuse`, { token: ana, json: {} });
    expect(again.status).toBe(409);
    expect((await json<ErrorBody>(again)).error.code).toBe('elevation_closed');

    // Bo acts as admin now, and says so.
    const me = await json<{ role: string; elevation?: { id: string; fromRole: string } }>(
      await firebreak.request('GET', '/api/me', { token: bo }),
    );
    expect(me).toMatchObject({ role: 'admin', elevation: { id: pending.id, fromRole: 'commander' } });
    const made = await firebreak.request('POST', '/api/tokens', { token: bo, json: { name: 'break-glass-made', role: 'viewer' } });
    expect(made.status).toBe(201);
    const audit = await json<AuditBody>(await firebreak.request('GET', '/api/audit?action=tokens.token.create'));
    const marked = audit.entries.find((entry) => entry.details.name === 'break-glass-made');
    expect(marked?.actorName).toBe('Bo Chen');
    expect(marked?.details.elevation).toEqual({ id: pending.id, role: 'admin', fromRole: 'commander' });
    // Ana's own actions carry no mark.
    const anaMade = await firebreak.request('POST', '/api/tokens', { token: ana, json: { name: 'plain', role: 'viewer' } });
    expect(anaMade.status).toBe(201);
    const plain = (await json<AuditBody>(await firebreak.request('GET', '/api/audit?action=tokens.token.create'))).entries.find(
      (entry) => entry.details.name === 'plain',
    );
    expect(plain?.details.elevation).toBeUndefined();

    // Its timer fires after the hour: recorded as expired, and Bo is a commander again.
    expect(await firebreak.scheduler.runDueTimers(new Date(Date.now() + minutes(30)))).toBe(0);
    await firebreak.scheduler.runDueTimers(new Date(endsAt + 1000));
    const expired = await json<{ elevations: ElevationBody[] }>(await firebreak.request('GET', '/api/elevations', { token: bo }));
    expect(expired.elevations.map((elevation) => elevation.status)).toEqual(['expired']);
    const refused = await firebreak.request('POST', '/api/tokens', { token: bo, json: { name: 'too-late', role: 'viewer' } });
    expect(refused.status).toBe(403);
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: bo }))).role).toBe('commander');
    const expiry = await json<AuditBody>(await firebreak.request('GET', `/api/audit?targetId=${pending.id}`));
    expect(expiry.entries.map((entry) => entry.action)).toEqual([
      'auth.elevation.expire',
      'auth.elevation.approve',
      'auth.elevation.request',
    ]);

    // Admins heard of the request by e-mail, Bo of the decision; the ops channel of every step.
    const channel = await opsChannel(world);
    const mails = world.smtp.received.map((mail) => mail.subject);
    expect(mails).toContain('Elevation requested: Bo Chen to admin');
    expect(mails.some((subject) => subject.startsWith('Elevation approved: Bo Chen is admin until'))).toBe(true);
    expect(mails).toContain('Elevation expired: Bo Chen is commander again');
    expect(channel).toContain('Elevation requested: Bo Chen (commander) to admin for 60 minutes');
    expect(channel).toContain('Elevation approved by Ana Admin: Bo Chen is admin');
    expect(channel).toContain('Elevation expired: Bo Chen is commander again');
    expect(channel).toContain('Rotate the leaked Slack token during INC-7');
  });

  it('refuses, ends early, and withdraws', async ({ firebreak }) => {
    const bo = await firebreak.tokenFor('responder', 'Bo');
    const ana = await firebreak.tokenFor('admin', 'Ana');
    const first = await json<ElevationBody>(await ask(firebreak, bo, { ...breakGlass, role: 'commander' }));
    // One open elevation at a time.
    const second = await ask(firebreak, bo, breakGlass);
    expect(second.status).toBe(409);
    expect((await json<ErrorBody>(second)).error.code).toBe('elevation_open');
    const refused = await firebreak.request('POST', `/api/elevations/${first.id}/refuse`, {
      token: ana,
      json: { note: 'use the runbook' },
    });
    expect(await json<ElevationBody>(refused)).toMatchObject({ status: 'refused' });

    const granted = await json<ElevationBody>(await ask(firebreak, bo, { ...breakGlass, role: 'commander' }));
    await firebreak.request('POST', `/api/elevations/${granted.id}/approve`, { token: ana, json: {} });
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: bo }))).role).toBe('commander');
    const ended = await firebreak.request('POST', `/api/elevations/${granted.id}/end`, { token: bo });
    expect(await json<ElevationBody>(ended)).toMatchObject({ status: 'ended' });
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: bo }))).role).toBe('responder');
    expect((await firebreak.request('POST', `/api/elevations/${granted.id}/end`, { token: bo })).status).toBe(409);

    const withdrawn = await json<ElevationBody>(await ask(firebreak, bo, breakGlass));
    // Someone else's pending request is not theirs to end; another responder does not even see it.
    expect((await firebreak.request('POST', `/api/elevations/${withdrawn.id}/end`, { token: ana })).status).toBe(403);
    expect(
      (await firebreak.request('POST', `/api/elevations/${withdrawn.id}/end`, { token: await firebreak.tokenFor('responder') })).status,
    ).toBe(404);
    expect(await json<ElevationBody>(await firebreak.request('POST', `/api/elevations/${withdrawn.id}/end`, { token: bo }))).toMatchObject({
      status: 'withdrawn',
    });
    // A responder lists their own only; an admin everyone's.
    const other = await firebreak.tokenFor('responder');
    expect((await json<{ elevations: unknown[] }>(await firebreak.request('GET', '/api/elevations', { token: other }))).elevations).toEqual(
      [],
    );
    expect(
      (await json<{ elevations: unknown[] }>(await firebreak.request('GET', '/api/elevations?status=refused,ended', { token: ana })))
        .elevations,
    ).toHaveLength(2);
  });

  it('expires a request nobody decided within ELEVATION_REQUEST_TTL_MINUTES, by the scheduler, and refuses to approve it', async ({
    world,
  }) => {
    const { firebreak } = world;
    world.slack.addChannel('incidents');
    const bo = await firebreak.tokenFor('commander', 'Bo Chen');
    const ana = await firebreak.tokenFor('admin', 'Ana Admin');
    const pending = await json<ElevationBody>(await ask(firebreak, bo, breakGlass));
    // Within the default 60 minutes it waits; past them the scheduler expires it.
    expect(await firebreak.scheduler.runDueTimers(new Date(Date.now() + minutes(59)))).toBe(0);
    expect(await firebreak.scheduler.runDueTimers(new Date(Date.now() + minutes(61)))).toBe(1);
    const listed = await json<{ elevations: (ElevationBody & { decidedAt: string | null })[] }>(
      await firebreak.request('GET', '/api/elevations', { token: bo }),
    );
    expect(listed.elevations).toMatchObject([{ id: pending.id, status: 'expired', decidedAt: null, endsAt: null }]);

    const late = await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { token: ana, json: {} });
    expect(late.status).toBe(409);
    const refusal = await json<ErrorBody>(late);
    expect(refusal.error.code).toBe('elevation_request_expired');
    expect(refusal.error.message).toMatch(/expired unanswered .*ELEVATION_REQUEST_TTL_MINUTES, 60 minutes.*asks again/);
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: bo }))).role).toBe('commander');
    const audit = await json<AuditBody>(await firebreak.request('GET', `/api/audit?targetId=${pending.id}`));
    expect(audit.entries.map((entry) => entry.action)).toEqual(['auth.elevation.request_expire', 'auth.elevation.request']);
    expect(audit.entries[0]).toMatchObject({ actorName: 'Firebreak', details: { ttlMinutes: 60, role: 'admin' } });

    // Bo is told, and may ask again.
    const channel = await opsChannel(world);
    expect(channel).toContain('Elevation request expired unanswered: Bo Chen (commander) to admin for 60 minutes');
    expect(world.smtp.received.map((mail) => mail.subject)).toContain('Elevation request expired: Bo Chen to admin');
    expect((await ask(firebreak, bo, breakGlass)).status).toBe(201);
  });

  it('refuses to approve a request past its time that the scheduler has not expired yet, and expires it then', async ({ firebreak }) => {
    const bo = await firebreak.tokenFor('responder', 'Bo');
    const ana = await firebreak.tokenFor('admin', 'Ana');
    const pending = await json<ElevationBody>(await ask(firebreak, bo, { ...breakGlass, role: 'commander' }));
    // Asked two hours ago (the scheduler is off in tests, so nobody expired it).
    await firebreak.database.db
      .update(elevations)
      .set({ requestedAt: new Date(Date.now() - minutes(120)) })
      .where(eq(elevations.id, pending.id));
    const late = await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { token: ana, json: {} });
    expect(late.status).toBe(409);
    expect((await json<ErrorBody>(late)).error.code).toBe('elevation_request_expired');
    const listed = await json<{ elevations: ElevationBody[] }>(await firebreak.request('GET', '/api/elevations', { token: bo }));
    expect(listed.elevations.map((elevation) => elevation.status)).toEqual(['expired']);
    // A refusal is refused the same way: nobody decides a request that has expired.
    const refuse = await firebreak.request('POST', `/api/elevations/${pending.id}/refuse`, { token: ana, json: {} });
    expect((await json<ErrorBody>(refuse)).error.code).toBe('elevation_request_expired');
    const audit = await json<AuditBody>(await firebreak.request('GET', `/api/audit?targetId=${pending.id}`));
    expect(audit.entries.map((entry) => entry.action)).toEqual(['auth.elevation.request_expire', 'auth.elevation.request']);
  });

  it('refuses an asker who became an admin meanwhile to approve their own', async ({ firebreak }) => {
    const bo = await firebreak.tokenFor('commander', 'Bo');
    const pending = await json<ElevationBody & { userId: string }>(await ask(firebreak, bo, breakGlass));
    const system = systemContext(firebreak.database.db, firebreak.config);
    await updateUser(system, pending.userId, { role: 'admin' });
    const { token: boAdmin } = await createToken(system, { name: 'Bo as admin', role: 'admin', owner: pending.userId });
    const own = await firebreak.request('POST', `/api/elevations/${pending.id}/approve`, { token: boAdmin, json: {} });
    expect(own.status).toBe(403);
    expect((await json<ErrorBody>(own)).error.code).toBe('self_approval');
  });

  it('answers 400 naming the field for bad durations, roles and reasons, and 401 without credentials', async ({ firebreak }) => {
    const bo = await firebreak.tokenFor('responder', 'Bo');
    for (const [body, field] of [
      [{ ...breakGlass, minutes: 10 }, /minutes: must be at least 15 minutes/],
      [{ ...breakGlass, minutes: 721 }, /minutes: must be at most 720 minutes/],
      [{ ...breakGlass, minutes: 'an hour' }, /minutes/],
      [{ ...breakGlass, minutes: 30.5 }, /minutes/],
      [{ ...breakGlass, reason: 'x' }, /reason: must say why/],
      [{ role: 'admin', minutes: 60 }, /reason/],
      [{ ...breakGlass, role: 'ingest' }, /role/],
      [{ ...breakGlass, role: 'viewer' }, /role: must be above your own role "responder"/],
    ] as const) {
      const response = await ask(firebreak, bo, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json<ErrorBody>(response)).error.message).toMatch(field);
    }
    expect((await firebreak.request('POST', '/api/elevations', { token: null, json: breakGlass })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/elevations', { token: null })).status).toBe(401);
    // A service token is nobody to elevate.
    const service = await firebreak.tokenFor('viewer', 'scraper', { service: true });
    expect((await ask(firebreak, service, breakGlass)).status).toBe(403);
    const ana = await firebreak.tokenFor('admin', 'Ana');
    expect((await firebreak.request('POST', '/api/elevations/not-an-id/approve', { token: ana, json: {} })).status).toBe(404);
  });
});

describeOnBackends('break-glass elevation with ELEVATION_SELF_APPROVE', () => {
  it.override({ firebreakEnv: { ELEVATION_SELF_APPROVE: 'true' } });

  it('is granted at once and announced loudly in Slack, by e-mail to the admins and in the audit trail', async ({ world }) => {
    const { firebreak } = world;
    world.slack.addChannel('incidents');
    const bo = await firebreak.tokenFor('responder', 'Bo Chen');
    await firebreak.tokenFor('admin', 'Ana Admin');
    const granted = await json<ElevationBody>(await ask(firebreak, bo, breakGlass));
    expect(granted).toMatchObject({ status: 'active', selfApproved: true, role: 'admin' });
    expect((await json<{ role: string }>(await firebreak.request('GET', '/api/me', { token: bo }))).role).toBe('admin');
    const channel = await opsChannel(world);
    expect(channel).toMatch(
      /:rotating_light: BREAK-GLASS: Bo Chen elevated themselves from responder to admin until .* without a second admin/,
    );
    expect(world.smtp.received.map((mail) => mail.subject)).toContain('BREAK-GLASS: Bo Chen self-elevated to admin');
    const audit = await json<AuditBody>(await firebreak.request('GET', `/api/audit?targetId=${granted.id}`));
    expect(audit.entries.map((entry) => entry.action)).toEqual(['auth.elevation.self_approve', 'auth.elevation.request']);
    expect(audit.entries[0]?.details.warning).toMatch(/without a second person/);
  });
});
