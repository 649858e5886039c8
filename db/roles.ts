// Two PostgreSQL roles: the owner, who runs the migrations and owns every table, and the application role
// that the web and worker processes use, with only the rights they need (INSERT and SELECT on the journal,
// nothing on the migrations' own tables). The application role cannot alter a table, disable a trigger or
// set `session_replication_role`, so the journal stays append-only even if the application is taken over.
//
// Production: DATABASE_URL connects as the application role, MIGRATION_DATABASE_URL as the owner. The local
// setup (`npm start`, `npm test`, the commands) creates both roles in the project's own cluster.
import pg from 'pg';

export const OWNER_ROLE = 'aidants_connect_owner';
/** The role the migrations grant to (DATABASE_APP_ROLE when the DBA chose another name). */
export const APP_ROLE = process.env.DATABASE_APP_ROLE ?? 'aidants_connect_app';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The same server and database, as another role (and password, when the server asks for one). */
export function urlAs(url: string, role: string, password?: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = password ?? '';
  return u.toString();
}

export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the owner and application login roles when missing (a superuser connection is needed). */
export async function ensureRoles(adminUrl: string, passwords: { owner?: string; app?: string } = {}): Promise<void> {
  await withClient(urlWithDatabase(adminUrl, 'postgres'), async (c) => {
    for (const [role, password] of [[OWNER_ROLE, passwords.owner], [APP_ROLE, passwords.app]] as const) {
      const { rowCount } = await c.query('select 1 from pg_roles where rolname = $1', [role]);
      // NOSUPERUSER, NOCREATEROLE, NOBYPASSRLS are the defaults; said anyway for whoever reads the SQL.
      if (!rowCount) await c.query(`create role ${ident(role)} login nosuperuser nocreaterole nobypassrls`);
      if (password) await c.query(`alter role ${ident(role)} password ${literal(password)}`);
    }
  });
}

/**
 * Creates `database` owned by the owner role, or hands an existing one (made before the two roles existed)
 * over to it: the database, then every table, sequence and function of the public schema.
 */
export async function ensureOwnedDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  await withClient(urlWithDatabase(adminUrl, 'postgres'), async (c) => {
    const { rows } = await c.query('select pg_get_userbyid(datdba) as owner from pg_database where datname = $1', [database]);
    if (!rows.length) {
      await c.query(`create database ${ident(database)} owner ${ident(OWNER_ROLE)}${template ? ` template ${ident(template)}` : ''}`);
      return;
    }
    if (rows[0].owner !== OWNER_ROLE) await c.query(`alter database ${ident(database)} owner to ${ident(OWNER_ROLE)}`);
  });
  await withClient(urlWithDatabase(adminUrl, database), (c) =>
    c.query(`do $$
      declare r record;
      begin
        for r in select c.oid::regclass as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
                   and pg_get_userbyid(c.relowner) <> ${literal(OWNER_ROLE)}
                   and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i', 'e')) loop
          execute format('alter %s %s owner to %I',
            case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' else 'table' end,
            r.name, ${literal(OWNER_ROLE)});
        end loop;
        for r in select p.oid::regprocedure as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> ${literal(OWNER_ROLE)}
                   -- A C function stays the superuser's (db/chaine-c.ts): the owner role may use it, not replace it.
                   and p.prolang <> (select oid from pg_language where lanname = 'c')
                   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e') loop
          execute format('alter function %s owner to %I', r.name, ${literal(OWNER_ROLE)});
        end loop;
      end $$`),
  );
}

/** What the role behind `db` may do to the journal: the web and worker processes check it at start. */
export async function journalProtection(query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>): Promise<{ role: string; protected: boolean }> {
  const { rows } = await query(`select current_user as role,
      (select rolsuper from pg_roles where rolname = current_user) as superuser,
      coalesce((select pg_has_role(current_user, relowner, 'USAGE') from pg_class where oid = to_regclass('public.journal')), false) as owner,
      case when to_regclass('public.journal') is null then false
        else has_table_privilege('public.journal', 'UPDATE') or has_table_privilege('public.journal', 'DELETE')
          or has_table_privilege('public.journal', 'TRUNCATE') end as can_rewrite`);
  const r = rows[0];
  return { role: String(r.role), protected: !r.superuser && !r.owner && !r.can_rewrite };
}
