-- alerts.incident_id is checked once per statement by the triggers runMigrations installs after this
-- migration (CHECKED_REFERENCES in platform/database/migrate.ts), not once per row by a foreign key.
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_incident_id_incidents_id_fk";
