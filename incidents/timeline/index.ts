// The timeline room's surface: what other rooms and parts use of it.
export { EvidenceInput, addEvidence } from './add-evidence.ts';
export { appendTimelineEvent, prepareTimelineAppend } from './append-timeline-event.ts';
export { listRecentTimeline } from './list-recent-timeline.ts';
export { TimelineQuery, listTimeline } from './list-timeline.ts';
export { timelineEvents } from './schema/timeline-events.ts';
export type { TimelineEvent } from './schema/timeline-events.ts';
export { timelineRoutes } from './routes.ts';
export { TIMELINE_CHANNEL, parseTimelineAnnouncement } from './timeline-announcement.ts';
