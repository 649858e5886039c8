/*
 * The journal's chain trigger in C (README « Journal infalsifiable », db/domain/chaine-journal.ts): the same
 * work, to the byte, as the PL/pgSQL function journal_chainer() that db/migrations/chaine-journal.ts installs
 * (installerForme2), without PL/pgSQL's cost per transaction (its expressions prepared again, the head read
 * through a planned query, a record type declared for ROW(...)): the chain cost ~20 % of the inserts per second
 * of one-row transactions in PL/pgSQL. Installed by a superuser when the server's headers are there
 * (db/chaine-c.ts); otherwise the PL/pgSQL function does the same job.
 *
 * For each new row, under the lane's transaction-level advisory lock (the same lock tag as
 * pg_try_advisory_xact_lock(key, lane), so that both versions can run side by side):
 *   - the lane: the session's last one (setting `journal.voie`, or the one the writer set) when its lock is
 *     free or already ours, else the first free lane, lane 0 first, else the one picked by the process id,
 *     waited for; a lane found that way becomes the session's setting;
 *   - the head of the lane: its highest rank, read through the unique index on (chaine_voie, chaine_rang)
 *     with a snapshot taken after the lock (and after the rows this statement already wrote, as SPI does);
 *   - chaine_forme, chaine_voie, chaine_rang = head + 1, hash_precedent = the head's hash (64 zeros for a
 *     lane's first row), hash = hex(SHA-256(hash_precedent || "\n" || form 2)), form 2 being the listed
 *     columns as record_out writes a row, trailing NULLs and the closing parenthesis cut (rtrim(..., ',)')).
 *
 * Arguments of the trigger: the number of lanes, the lock's first key, the form's number, the index's name,
 * then form 2's columns in order; a timestamp column suffixed `:utc` is written as
 * to_char(x at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), any other with its type's output function.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(journal_chainer);

#define MAX_COLONNES 100

/* What a call needs of the table and of the trigger's arguments, kept between calls (checked at each one). */
typedef struct Colonne
{
	char		nom[NAMEDATALEN];
	AttrNumber	attnum;
	Oid			type;
	bool		utc;
	FmgrInfo	sortie;
} Colonne;

typedef struct Cache
{
	Oid			trigger;
	/* The trigger's first three arguments: lanes, the lock's first key, the form's number. */
	int			nombre_voies;
	int32		cle;
	int			numero_forme;
	int			ncolonnes;
	Colonne		colonnes[MAX_COLONNES];
	AttrNumber	forme, voie, rang, precedent, hash;
} Cache;

static Cache *cache = NULL;

static AttrNumber
colonne_de(TupleDesc desc, const char *nom, Oid type)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), nom) == 0)
		{
			if (OidIsValid(type) && a->atttypid != type)
				elog(ERROR, "journal_chainer : la colonne %s n'a pas le type attendu", nom);
			return a->attnum;
		}
	}
	elog(ERROR, "journal_chainer : la table n'a pas de colonne %s", nom);
	return InvalidAttrNumber;
}

static bool
colonne_inchangee(TupleDesc desc, AttrNumber attnum, const char *nom, Oid type)
{
	Form_pg_attribute a;

	if (attnum < 1 || attnum > desc->natts)
		return false;
	a = TupleDescAttr(desc, attnum - 1);
	return !a->attisdropped && a->atttypid == type && strcmp(NameStr(a->attname), nom) == 0;
}

static int
argument_entier(Trigger *trigger, int i)
{
	char	   *fin;
	long		v = strtol(trigger->tgargs[i], &fin, 10);

	if (*trigger->tgargs[i] == '\0' || *fin != '\0' || v < PG_INT32_MIN || v > PG_INT32_MAX)
		elog(ERROR, "journal_chainer : argument %d invalide : %s", i + 1, trigger->tgargs[i]);
	return (int) v;
}

/* The cache for this trigger and this table's columns as they are now (a table altered since is looked at again). */
static Cache *
cache_pour(Trigger *trigger, TupleDesc desc)
{
	if (cache != NULL && cache->trigger == trigger->tgoid && cache->ncolonnes == trigger->tgnargs - 4
		&& colonne_inchangee(desc, cache->forme, "chaine_forme", INT2OID)
		&& colonne_inchangee(desc, cache->voie, "chaine_voie", INT2OID)
		&& colonne_inchangee(desc, cache->rang, "chaine_rang", INT8OID)
		&& colonne_inchangee(desc, cache->precedent, "hash_precedent", TEXTOID)
		&& colonne_inchangee(desc, cache->hash, "hash", TEXTOID))
	{
		bool		valide = true;

		for (int i = 0; i < cache->ncolonnes && valide; i++)
		{
			Colonne    *c = &cache->colonnes[i];

			const char *arg = trigger->tgargs[4 + i];
			size_t		longueur = strlen(c->nom);

			valide = colonne_inchangee(desc, c->attnum, c->nom, c->type) && strncmp(arg, c->nom, longueur) == 0
				&& strcmp(arg + longueur, c->utc ? ":utc" : "") == 0;
		}
		if (valide)
			return cache;
	}
	if (trigger->tgnargs < 5 || trigger->tgnargs - 4 > MAX_COLONNES)
		elog(ERROR, "journal_chainer : arguments attendus : voies, verrou, forme, index, puis les colonnes de la forme");
	if (GetDatabaseEncoding() != PG_UTF8)
		elog(ERROR, "journal_chainer : la base doit être en UTF8");
	if (cache == NULL)
		cache = MemoryContextAllocZero(TopMemoryContext, sizeof(Cache));
	cache->trigger = InvalidOid;
	cache->forme = colonne_de(desc, "chaine_forme", INT2OID);
	cache->voie = colonne_de(desc, "chaine_voie", INT2OID);
	cache->rang = colonne_de(desc, "chaine_rang", INT8OID);
	cache->precedent = colonne_de(desc, "hash_precedent", TEXTOID);
	cache->hash = colonne_de(desc, "hash", TEXTOID);
	cache->nombre_voies = argument_entier(trigger, 0);
	cache->cle = argument_entier(trigger, 1);
	cache->numero_forme = argument_entier(trigger, 2);
	if (cache->nombre_voies < 1 || cache->nombre_voies > 10 || cache->numero_forme < 1 || cache->numero_forme > PG_INT16_MAX)
		elog(ERROR, "journal_chainer : de 1 à 10 voies, et une forme entre 1 et %d", PG_INT16_MAX);
	cache->ncolonnes = trigger->tgnargs - 4;
	for (int i = 0; i < cache->ncolonnes; i++)
	{
		Colonne    *c = &cache->colonnes[i];
		const char *arg = trigger->tgargs[4 + i];
		const char *deux_points = strchr(arg, ':');
		size_t		longueur = deux_points ? (size_t) (deux_points - arg) : strlen(arg);
		Oid			fonction;
		bool		varlena;

		if (longueur == 0 || longueur >= NAMEDATALEN)
			elog(ERROR, "journal_chainer : nom de colonne invalide : %s", arg);
		memcpy(c->nom, arg, longueur);
		c->nom[longueur] = '\0';
		c->utc = deux_points != NULL;
		if (c->utc && strcmp(deux_points, ":utc") != 0)
			elog(ERROR, "journal_chainer : suffixe inconnu : %s", arg);
		c->attnum = colonne_de(desc, c->nom, c->utc ? TIMESTAMPTZOID : InvalidOid);
		c->type = TupleDescAttr(desc, c->attnum - 1)->atttypid;
		getTypeOutputInfo(c->type, &fonction, &varlena);
		fmgr_info_cxt(fonction, &c->sortie, TopMemoryContext);
	}
	cache->trigger = trigger->tgoid;
	return cache;
}

/* pg_try_advisory_xact_lock(cle, voie) when `attendre` is false, pg_advisory_xact_lock(cle, voie) otherwise. */
static bool
verrouiller_voie(int32 cle, int voie, bool attendre)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) cle, (uint32) voie, 2);
	return LockAcquire(&tag, ExclusiveLock, false, !attendre) != LOCKACQUIRE_NOT_AVAIL;
}

static int
prendre_voie(int voies, int32 cle)
{
	const char *preferee = GetConfigOption("journal.voie", true, false);
	char		texte[12];
	int			v;

	if (preferee != NULL && preferee[0] >= '0' && preferee[0] <= '9' && preferee[1] == '\0'
		&& preferee[0] - '0' < voies && verrouiller_voie(cle, preferee[0] - '0', false))
		return preferee[0] - '0';
	for (v = 0; v < voies && !verrouiller_voie(cle, v, false); v++)
		;
	if (v == voies)
	{
		v = MyProcPid % voies;
		verrouiller_voie(cle, v, true);
	}
	snprintf(texte, sizeof(texte), "%d", v);
	SetConfigOption("journal.voie", texte, PGC_USERSET, PGC_S_SESSION);
	return v;
}

/*
 * The lane's head: its highest rank and that row's hash (rang 0 and NULL for an empty lane). The snapshot is
 * taken now, after the lock, and sees this statement's earlier rows (the command counter moved on first), as
 * the PL/pgSQL function's query does through SPI.
 */
static int64
lire_tete(Relation table, const char *nom_index, int voie, AttrNumber attr_rang, AttrNumber attr_hash, char **hash)
{
	Oid			oid_index = get_relname_relid(nom_index, RelationGetNamespace(table));
	Relation	index;
	IndexScanDesc scan;
	ScanKeyData cle;
	TupleTableSlot *ligne;
	int64		rang = 0;

	if (!OidIsValid(oid_index))
		elog(ERROR, "journal_chainer : l'index %s n'existe pas", nom_index);
	index = index_open(oid_index, AccessShareLock);
	if (index->rd_index->indrelid != RelationGetRelid(table) || index->rd_rel->relam != BTREE_AM_OID
		|| index->rd_index->indnkeyatts < 2 || index->rd_index->indkey.values[0] != cache->voie
		|| index->rd_index->indkey.values[1] != attr_rang || !index->rd_index->indisvalid
		|| RelationGetIndexPredicate(index) != NIL)
		elog(ERROR, "journal_chainer : %s doit être un index btree sur (chaine_voie, chaine_rang) de la table", nom_index);

	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
	ScanKeyInit(&cle, 1, BTEqualStrategyNumber, F_INT2EQ, Int16GetDatum((int16) voie));
	scan = index_beginscan(table, index, GetActiveSnapshot(), 1, 0);
	index_rescan(scan, &cle, 1, NULL, 0);
	ligne = table_slot_create(table, NULL);
	*hash = NULL;
	if (index_getnext_slot(scan, BackwardScanDirection, ligne))
	{
		bool		nul_rang, nul_hash;
		Datum		r = slot_getattr(ligne, attr_rang, &nul_rang);
		Datum		h = slot_getattr(ligne, attr_hash, &nul_hash);

		rang = nul_rang ? 0 : DatumGetInt64(r);
		*hash = nul_hash ? NULL : TextDatumGetCString(h);
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(ligne);
	PopActiveSnapshot();
	index_close(index, AccessShareLock);
	return rang;
}

/* A value as record_out writes it: in double quotes when empty or holding a special character, " and \ doubled. */
static void
ecrire_valeur(StringInfo texte, const char *valeur)
{
	bool		guillemets = valeur[0] == '\0';

	for (const char *c = valeur; *c && !guillemets; c++)
		guillemets = *c == '"' || *c == '\\' || *c == '(' || *c == ')' || *c == ',' || isspace((unsigned char) *c);
	if (guillemets)
		appendStringInfoCharMacro(texte, '"');
	for (const char *c = valeur; *c; c++)
	{
		if (*c == '"' || *c == '\\')
			appendStringInfoCharMacro(texte, *c);
		appendStringInfoCharMacro(texte, *c);
	}
	if (guillemets)
		appendStringInfoCharMacro(texte, '"');
}

/*
 * to_char(x at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), or NULL for an infinite timestamp (to_char's
 * answer). YYYY writes a year before Christ as a positive number, at least four digits, as to_char does.
 */
static bool
ecrire_utc(StringInfo texte, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(t))
		return false;
	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
	appendStringInfo(texte, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year <= 0 ? -(tm.tm_year - 1) : tm.tm_year,
					 tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
	return true;
}

Datum
journal_chainer(PG_FUNCTION_ARGS)
{
	TriggerData *donnees = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	table;
	TupleDesc	desc;
	Cache	   *c;
	int			voie;
	int64		rang;
	char	   *precedent;
	Datum	   *valeurs;
	bool	   *nuls;
	StringInfoData texte;
	int			debut, fin;
	uint8		empreinte[PG_SHA256_DIGEST_LENGTH];
	char		hex[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	pg_cryptohash_ctx *sha;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(donnees->tg_event)
		|| !TRIGGER_FIRED_FOR_ROW(donnees->tg_event) || !TRIGGER_FIRED_BY_INSERT(donnees->tg_event))
		elog(ERROR, "journal_chainer : déclencheur BEFORE INSERT FOR EACH ROW seulement");
	trigger = donnees->tg_trigger;
	table = donnees->tg_relation;
	desc = RelationGetDescr(table);
	c = cache_pour(trigger, desc);

	voie = prendre_voie(c->nombre_voies, c->cle);
	rang = lire_tete(table, trigger->tgargs[3], voie, c->rang, c->hash, &precedent) + 1;
	if (precedent == NULL)
	{
		precedent = palloc(65);
		memset(precedent, '0', 64);
		precedent[64] = '\0';
	}

	valeurs = palloc(desc->natts * sizeof(Datum));
	nuls = palloc(desc->natts * sizeof(bool));
	heap_deform_tuple(donnees->tg_trigtuple, desc, valeurs, nuls);
	valeurs[c->forme - 1] = Int16GetDatum((int16) c->numero_forme);
	valeurs[c->voie - 1] = Int16GetDatum((int16) voie);
	valeurs[c->rang - 1] = Int64GetDatum(rang);
	nuls[c->forme - 1] = nuls[c->voie - 1] = nuls[c->rang - 1] = false;

	initStringInfo(&texte);
	appendStringInfoString(&texte, precedent);
	appendStringInfoChar(&texte, '\n');
	debut = texte.len;
	appendStringInfoChar(&texte, '(');
	for (int i = 0; i < c->ncolonnes; i++)
	{
		Colonne    *col = &c->colonnes[i];

		if (i > 0)
			appendStringInfoChar(&texte, ',');
		if (nuls[col->attnum - 1])
			continue;
		if (col->utc)
		{
			StringInfoData date;

			initStringInfo(&date);
			if (ecrire_utc(&date, DatumGetTimestampTz(valeurs[col->attnum - 1])))
				ecrire_valeur(&texte, date.data);
		}
		else
			ecrire_valeur(&texte, OutputFunctionCall(&col->sortie, valeurs[col->attnum - 1]));
	}
	/* rtrim(..., ',)'): the closing parenthesis and the trailing NULLs' commas. */
	fin = texte.len;
	while (fin > debut && (texte.data[fin - 1] == ',' || texte.data[fin - 1] == ')'))
		fin--;

	sha = pg_cryptohash_create(PG_SHA256);
	if (pg_cryptohash_init(sha) < 0 || pg_cryptohash_update(sha, (uint8 *) texte.data, fin) < 0
		|| pg_cryptohash_final(sha, empreinte, sizeof(empreinte)) < 0)
		elog(ERROR, "journal_chainer : SHA-256 : %s", pg_cryptohash_error(sha));
	pg_cryptohash_free(sha);
	for (int i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
	{
		hex[2 * i] = "0123456789abcdef"[empreinte[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[empreinte[i] & 15];
	}
	hex[PG_SHA256_DIGEST_LENGTH * 2] = '\0';

	valeurs[c->precedent - 1] = CStringGetTextDatum(precedent);
	valeurs[c->hash - 1] = CStringGetTextDatum(hex);
	nuls[c->precedent - 1] = nuls[c->hash - 1] = false;
	return PointerGetDatum(heap_form_tuple(desc, valeurs, nuls));
}
