/**
 * The SQL that makes a runtime role for Firebreak: it reads and writes the tables but owns none, so it
 * cannot disable the append-only triggers nor drop or alter tables, and it has no UPDATE, DELETE or
 * TRUNCATE on the audit trail. Run it as the owner (the role that runs `firebreak migrate`) in
 * Firebreak's database, and again after each upgrade's migrations (new tables need their grants).
 */
export function runtimeRoleGrants(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    throw new Error(`the role name "${role}" must be a plain identifier: lower-case letters, digits and _, at most 63`);
  }
  return `-- Firebreak runtime role "${role}": run as the owner of Firebreak's tables (the role that runs
-- \`npx firebreak migrate\`), connected to Firebreak's database, e.g. psql "$OWNER_URL" -f grants.sql;
-- again after every upgrade's migrations. Then give the role a password (ALTER ROLE ${role} PASSWORD '…')
-- or your own authentication, and start Firebreak with DATABASE_URL naming ${role}.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
    CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ${role}', current_database());
END $$;
-- Use the tables, own none of them: only an owner can disable a trigger, alter or drop a table.
GRANT USAGE ON SCHEMA public TO ${role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role};
-- At startup Firebreak checks that the migrations are applied (it applies none as this role).
GRANT USAGE ON SCHEMA drizzle TO ${role};
GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO ${role};
-- The audit trail is append-only: insert and read, never change or remove. Retention cuts its oldest
-- entries through firebreak_prune_audit_entries(), which runs as the owner, only up to a signed anchor.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_prune_anchors FROM ${role};
`;
}
