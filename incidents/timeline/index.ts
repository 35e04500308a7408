// The timeline room's surface: what other rooms and parts use of it.
export { addEvidence, EvidenceInput } from './add-evidence.ts';
export { appendTimelineEvent, prepareTimelineAppend } from './append-timeline-event.ts';
export { eraseSubjectFromTimeline } from './erase-from-timeline.ts';
export { findLatestEvent } from './find-latest-event.ts';
export { getTimelineEvent } from './get-timeline-event.ts';
export { listEvidence } from './list-evidence.ts';
export { listRecentTimeline } from './list-recent-timeline.ts';
export { listTimeline, TimelineQuery } from './list-timeline.ts';
export { timelineRoutes } from './routes.ts';
export type { TimelineEvent } from './schema/timeline-events.ts';
export { timelineEvents } from './schema/timeline-events.ts';
export { parseTimelineAnnouncement, TIMELINE_CHANNEL } from './timeline-announcement.ts';
