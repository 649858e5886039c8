// The rate limits' reservation in one statement (README « Mandats » → « Vitesse de la création »): what
// api/auth/rate-limit.ts reserveAttempt did in a transaction of 3 + 2 per key statements (lock each key, drop
// its attempts out of the window, read the others, insert one attempt per key) is one call of
// `reserver_tentatives`, under the same transaction-level advisory locks (so two parallel guesses still
// cannot slip through together) and with the same rules, passed by the caller (db/domain/authentification.ts
// LIMITES_TENTATIVES). It runs as the caller (the application role, which may already do all of it).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function reserver_tentatives(cles text[], fenetres_ms bigint[], maxs integer[], maintenant_ms bigint)
      returns table (attente_ms bigint, ids bigint[], comptes integer[])
      language plpgsql as $$
    declare
      i integer;
      n integer;
      plus_ancienne_ms bigint;
      attente bigint := 0;
      depuis timestamptz;
    begin
      comptes := '{}';
      -- Keys are locked in the order given (the caller sorts them): two reservations never wait on each other.
      for i in 1 .. coalesce(array_length(cles, 1), 0) loop
        perform pg_advisory_xact_lock(hashtextextended(cles[i], 13));
      end loop;
      for i in 1 .. coalesce(array_length(cles, 1), 0) loop
        depuis := to_timestamp((maintenant_ms - fenetres_ms[i]) / 1000.0);
        -- Old attempts go as they leave the window.
        delete from tentatives t where t.cle = cles[i] and t.created_at < depuis;
        select count(*) into n from tentatives t where t.cle = cles[i];
        comptes := comptes || n;
        -- A refusing key (a max given) is full: wait until the attempt that made it full leaves the window.
        if maxs[i] is not null and n >= maxs[i] then
          select floor(extract(epoch from t.created_at) * 1000)::bigint into plus_ancienne_ms
            from tentatives t where t.cle = cles[i] order by t.created_at offset n - maxs[i] limit 1;
          attente := greatest(attente, plus_ancienne_ms + fenetres_ms[i] - maintenant_ms);
        end if;
      end loop;
      attente_ms := attente;
      if attente > 0 then
        ids := '{}';
        return next;
        return;
      end if;
      with ajoutees as (insert into tentatives (cle) select unnest(cles) returning id)
        select coalesce(array_agg(id::bigint), '{}') into ids from ajoutees;
      return next;
    end $$
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function if exists reserver_tentatives(text[], bigint[], integer[], bigint)');
}
