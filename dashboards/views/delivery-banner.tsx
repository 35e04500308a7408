import type { DeliveryChannels } from '../../notifier/index.ts';

/**
 * The banner every dashboard page shows while no chat or paging channel is configured: on a fresh
 * install incidents open, and nobody hears of them.
 */
export function DeliveryBanner({ channels, isAdmin }: { channels: DeliveryChannels | undefined; isAdmin: boolean }) {
  if (!channels || channels.slack || channels.pagerduty) return null;
  return (
    <div class="banner warning" role="alert" id="nobody-told">
      <strong>Nobody is being paged or told.</strong> Slack and PagerDuty are not configured, so incidents reach no chat channel and wake
      nobody.{' '}
      {isAdmin
        ? 'Set SLACK_BOT_TOKEN or PAGERDUTY_ROUTING_KEY (or add a routing rule with a PagerDuty routing key) and restart Firebreak; docs/notifications.md explains each.'
        : 'Ask an administrator to connect Slack or PagerDuty.'}
    </div>
  );
}
