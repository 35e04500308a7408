import type { ActionContext } from '../../platform/index.ts';
import { InvalidInputError } from '../../platform/index.ts';
import { timelineUrl } from '../stored-snapshot.ts';
import { escapeSlack, phaseLabel } from './blocks.ts';
import { incidentForChannel } from './incident-for-channel.ts';
import type { SlackHandlers } from './slack-handlers.ts';

export interface SlackReply {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
}

export const COMMAND_HELP = [
  '`/incident declare [sev1|sev2|sev3|sev4] <title>` declare an incident (sev3 unless given)',
  '`/incident ack [INC-42]` acknowledge',
  '`/incident phase [INC-42] <phase> [reason]` move to a phase (add `--override` with a reason to skip an open checklist)',
  '`/incident note [INC-42] <text>` add a note to the timeline',
  '`/incident status [INC-42]` show where the incident stands',
  '`/incident breach [INC-42] [--confirmed] [note]` mark a suspected (or confirmed) personal-data breach: the breach clocks start',
  'In an incident channel the incident can be left out.',
].join('\n');

const REFERENCE = /^INC-\d+$/i;

async function takeIncident(ctx: ActionContext, words: string[], channelId: string | undefined): Promise<string> {
  const first = words[0];
  if (first && REFERENCE.test(first)) {
    words.shift();
    return first.toUpperCase();
  }
  const incidentId = await incidentForChannel(ctx.db, channelId);
  if (!incidentId) throw new InvalidInputError('Name the incident (e.g. INC-42), or run the command in the incident channel.');
  return incidentId;
}

/** Runs `/incident <subcommand> ...` as the Slack user's Firebreak user. */
export async function runCommand(
  ctx: ActionContext,
  handlers: SlackHandlers,
  input: { text: string; channelId?: string; publicUrl: string },
): Promise<SlackReply> {
  const words = input.text.trim().split(/\s+/).filter(Boolean);
  const subcommand = (words.shift() ?? 'help').toLowerCase();
  const by = escapeSlack(ctx.actor.name);
  switch (subcommand) {
    case 'declare': {
      const severity =
        words[0] && /^sev[1-4]$/i.test(words[0]) ? (words.shift()?.toLowerCase() as 'sev1' | 'sev2' | 'sev3' | 'sev4') : 'sev3';
      const title = words.join(' ');
      if (!title) throw new InvalidInputError('Give the incident a title: `/incident declare sev2 Checkout errors`.');
      const incident = await handlers.declareIncident(ctx, { title, severity });
      const detail = await handlers.getIncidentDetail(ctx.db, incident.id);
      return {
        response_type: 'in_channel',
        text: `:rotating_light: ${by} declared *${detail.reference}* ${escapeSlack(title)} (${severity.toUpperCase()}).`,
      };
    }
    case 'ack':
    case 'acknowledge': {
      const reference = await takeIncident(ctx, words, input.channelId);
      await handlers.acknowledgeIncident(ctx, reference, { via: 'slack' });
      const detail = await handlers.getIncidentDetail(ctx.db, reference);
      return { response_type: 'in_channel', text: `:white_check_mark: ${detail.reference} acknowledged by ${by}.` };
    }
    case 'phase': {
      const reference = await takeIncident(ctx, words, input.channelId);
      const to = words.shift()?.toLowerCase().replaceAll('-', '_');
      if (!to || !handlers.phases.includes(to)) {
        throw new InvalidInputError(`Name the phase to move to: one of ${handlers.phases.join(', ')}.`);
      }
      const override = words.includes('--override');
      const reason = words.filter((word) => word !== '--override').join(' ') || undefined;
      await handlers.transitionPhase(ctx, reference, { to, reason, override });
      const detail = await handlers.getIncidentDetail(ctx.db, reference);
      return { response_type: 'in_channel', text: `:arrow_forward: ${detail.reference} moved to *${phaseLabel(to)}* by ${by}.` };
    }
    case 'note': {
      const reference = await takeIncident(ctx, words, input.channelId);
      const text = words.join(' ');
      if (!text) throw new InvalidInputError('Write the note: `/incident note INC-42 Rolled back deploy 1234`.');
      await handlers.addNote(ctx, reference, { text, source: 'slack' });
      const detail = await handlers.getIncidentDetail(ctx.db, reference);
      return { response_type: 'in_channel', text: `:memo: Note added to ${detail.reference} by ${by}: ${escapeSlack(text)}` };
    }
    case 'status': {
      const reference = await takeIncident(ctx, words, input.channelId);
      const { incident, reference: ref, commander } = await handlers.getIncidentDetail(ctx.db, reference);
      const status = incident.closedAt ? 'closed' : incident.acknowledgedAt ? 'acknowledged' : 'unacknowledged';
      const link = timelineUrl(input.publicUrl, { reference: ref });
      return {
        response_type: 'ephemeral',
        text: `*${ref}* ${escapeSlack(incident.title)}\n${incident.severity.toUpperCase()} · ${phaseLabel(incident.phase)} · ${status} · commander: ${escapeSlack(commander?.name ?? 'unassigned')}\n<${link}|Open the timeline>`,
      };
    }
    case 'breach': {
      const reference = await takeIncident(ctx, words, input.channelId);
      const suspected = !words.includes('--confirmed');
      const note = words.filter((word) => word !== '--confirmed').join(' ') || undefined;
      const result = await handlers.markBreach(ctx, reference, { suspected, note });
      const detail = await handlers.getIncidentDetail(ctx.db, reference);
      if (!result.marked) return { response_type: 'ephemeral', text: `${detail.reference} is already marked a breach; its clocks run.` };
      const clocks = result.regimesApplied.length ? ` Clocks started: ${result.regimesApplied.join(', ')}.` : '';
      return {
        response_type: 'in_channel',
        text: `:lock: ${detail.reference} marked a ${suspected ? 'suspected ' : ''}personal-data breach by ${by}.${clocks}`,
      };
    }
    case 'help':
      return { response_type: 'ephemeral', text: COMMAND_HELP };
    default:
      throw new InvalidInputError(`Unknown subcommand "${subcommand}".\n${COMMAND_HELP}`);
  }
}
