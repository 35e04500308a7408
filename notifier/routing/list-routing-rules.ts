import { asc } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { RoutingRule } from '../schema/routing-rules.ts';
import { routingRules } from '../schema/routing-rules.ts';

export async function listRoutingRules(db: Database): Promise<RoutingRule[]> {
  return db.select().from(routingRules).orderBy(asc(routingRules.name));
}
