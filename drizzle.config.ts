import { defineConfig } from 'drizzle-kit';

// Each part keeps its tables in its own schema/ folder; one migration history serves them all.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './platform/schema/*.ts',
    './collector/**/schema/*.ts',
    './incidents/**/schema/*.ts',
    './notifier/**/schema/*.ts',
    './dashboards/**/schema/*.ts',
  ],
  out: './platform/database/migrations',
  casing: 'snake_case',
});
