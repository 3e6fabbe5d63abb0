/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-calls"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-call-retention.h"
#include "crm-calls-private.h"
#include "crm-phone.h"

/*
 * Call center messages: caller lookup for the pop-up, the call log, its
 * history and statistics, recordings' deletion, and the settings.  Who sees
 * which calls: everyone's with "call.view_all", otherwise the users in the
 * "call.view" data scope (own for a salesperson, wider for managers).
 */

#define MAX_LIST_LIMIT 500
#define MIN_TIME_US    G_GINT64_CONSTANT (946684800000000)   /* 2000-01-01 */
#define MAX_CLOCK_SKEW_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static GError *
invalid (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

/* Owners whose calls this session sees; NULL literal = everyone. */
static gboolean
call_scope (CrmDb *db, CrmRequestContext *ctx, char **owners, GError **error)
{
  *owners = NULL;
  if (crm_session_has_permission (ctx->session, "call.view_all"))
    return TRUE;
  return crm_db_scope_owners (db, ctx->session->user_id, "call.view", owners, error);
}

/* ---- call.lookup ---- */

GVariant *
crm_call_lookup (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *number;
  g_autofree char *area = NULL, *key = NULL, *display = NULL, *reason = NULL;
  g_auto(CrmCallMatch) match = { 0, };
  gboolean blocked = FALSE, whitelisted = FALSE;
  gint64 n_calls = 0, last_call = 0;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_get (request, "(&s)", &number);
  if (strlen (number) > 128 || !g_utf8_validate (number, -1, NULL))
    {
      g_propagate_error (error, invalid ("number", _("This is not a phone number")));
      return NULL;
    }
  area = crm_calls_local_area_code (db, error);
  if (area == NULL)
    return NULL;
  key = crm_phone_match_key (number, area);
  display = crm_phone_format (number);
  if (key != NULL)
    {
      const char *params[] = { key };
      g_autoptr(PGresult) res = NULL;

      if (!crm_calls_match_customer (db, ctx->session->user_id, key, area, &match, error) ||
          !crm_blacklist_lookup (db, key, &blocked, &whitelisted, &reason, error))
        return NULL;
      res = crm_db_exec (db, "call_lookup_history",
                         "SELECT count (*), coalesce ((extract (epoch FROM max (started_at)) * 1000000)::bigint, 0)"
                         " FROM calls WHERE match_key = $1", 1, params, error);
      if (res == NULL)
        return NULL;
      n_calls = crm_db_get_int64 (res, 0, 0);
      last_call = crm_db_get_int64 (res, 0, 1);
    }

  g_variant_dict_insert (&d, "normalized", "s", key ? key : "");
  g_variant_dict_insert (&d, "display", "s", display ? display : number);
  g_variant_dict_insert (&d, "known", "b", match.customer_id != 0);
  g_variant_dict_insert (&d, "customer_id", "x", match.customer_id);
  g_variant_dict_insert (&d, "customer_name", "s", match.customer_name ? match.customer_name : "");
  g_variant_dict_insert (&d, "owner_id", "x", match.owner_id);
  g_variant_dict_insert (&d, "owner_name", "s", match.owner_name ? match.owner_name : "");
  g_variant_dict_insert (&d, "outside_scope", "b", match.outside_scope);
  /* The matched contact, the primary contact and the last follow-ups
   * (crm-call-match.c). */
  if (!crm_calls_lookup_add_contacts (db, ctx->session->user_id, &match, &d, error))
    return NULL;
  g_variant_dict_insert (&d, "blacklisted", "b", blocked);
  g_variant_dict_insert (&d, "whitelisted", "b", whitelisted);
  g_variant_dict_insert (&d, "block_reason", "s", reason ? reason : "");
  g_variant_dict_insert (&d, "previous_calls", "x", n_calls);
  g_variant_dict_insert (&d, "last_call_at", "x", last_call);
  return g_variant_dict_end (&d);
}

/* ---- call.log ---- */

static gboolean
get_string (GVariant *dict, const char *key, const char **out, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  if (!crm_calls_dict_get (dict, key, G_VARIANT_TYPE_STRING, &v, error))
    return FALSE;
  /* The dictionary keeps the value alive. */
  *out = v ? g_variant_get_string (v, NULL) : NULL;
  return TRUE;
}

static gboolean
get_time (GVariant *dict, const char *key, gint64 *out, GError **error)
{
  g_autoptr(GVariant) v = NULL;
  gint64 now = g_get_real_time ();

  *out = 0;
  if (!crm_calls_dict_get (dict, key, G_VARIANT_TYPE_INT64, &v, error))
    return FALSE;
  if (v == NULL)
    return TRUE;
  *out = g_variant_get_int64 (v);
  if (*out != 0 && (*out < MIN_TIME_US || *out > now + MAX_CLOCK_SKEW_US))
    {
      g_propagate_error (error, invalid (key, _("The time is out of range")));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_one_of (const char *value, const char * const *allowed)
{
  return value != NULL && g_strv_contains (allowed, value);
}

static const char * const directions[] = { "in", "out", NULL };
static const char * const statuses[] = { "answered", "missed", "rejected", "blocked", "fax", NULL };

static gboolean
valid_call_id (const char *id)
{
  gsize n = id ? strlen (id) : 0;

  if (n == 0 || n > 100)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && strchr ("-_.:", id[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
valid_sha256 (const char *hex)
{
  if (strlen (hex) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isdigit (hex[i]) && !(hex[i] >= 'a' && hex[i] <= 'f'))
      return FALSE;
  return TRUE;
}

static char *
time_param (gint64 us)
{
  return us == 0 ? NULL : crm_db_int64_to_string (us);
}

GVariant *
crm_call_log (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) call = NULL;
  const char *direction = NULL, *status = NULL, *number = NULL, *device = NULL;
  const char *sha = NULL, *call_id = NULL;
  gint64 started = 0, answered = 0, ended = 0, id;
  g_autofree char *area = NULL, *key = NULL;
  g_auto(CrmCallMatch) match = { 0, };
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&s@a{sv})", NULL, &call);
  if (!get_string (call, "direction", &direction, error) ||
      !get_string (call, "status", &status, error) ||
      !get_string (call, "number", &number, error) ||
      !get_string (call, "device", &device, error) ||
      !get_string (call, "recording_sha256", &sha, error) ||
      !get_string (call, "client_call_id", &call_id, error) ||
      !get_time (call, "started_at", &started, error) ||
      !get_time (call, "answered_at", &answered, error) ||
      !get_time (call, "ended_at", &ended, error))
    return NULL;

  {
    GError *bad = NULL;

    if (!is_one_of (direction, directions))
      bad = (invalid ("direction", _("The direction must be “in” or “out”")));
    else if (!is_one_of (status, statuses))
      bad = (invalid ("status", _("Unknown call status")));
    else if (!valid_call_id (call_id))
      bad = (invalid ("client_call_id",
                                         _("The call id is 1 to 100 letters, digits or “-_.:”")));
    else if (number != NULL && (strlen (number) > 128 || !g_utf8_validate (number, -1, NULL)))
      bad = (invalid ("number", _("This is not a phone number")));
    else if (device != NULL && (strlen (device) > 200 || !g_utf8_validate (device, -1, NULL)))
      bad = (invalid ("device", _("The device name is too long")));
    else if (sha != NULL && *sha != '\0' && !valid_sha256 (sha))
      bad = (invalid ("recording_sha256",
                                         _("The checksum must be 64 lower-case hexadecimal digits")));
    else if (started == 0)
      bad = (invalid ("started_at", _("The start time is missing")));
    else if ((answered != 0 && answered < started) || (ended != 0 && ended < started))
      bad = (invalid (answered != 0 && answered < started ? "answered_at" : "ended_at",
                                         _("A call cannot end or be answered before it starts")));
    if (bad != NULL)
      {
        g_propagate_error (error, bad);
        return NULL;
      }
  }

  area = crm_calls_local_area_code (db, error);
  if (area == NULL)
    return NULL;
  key = number ? crm_phone_match_key (number, area) : NULL;
  if (!crm_calls_match_customer (db, ctx->session->user_id, key, area, &match, error))
    return NULL;

  {
    g_autofree char *user = crm_db_int64_to_string (ctx->session->user_id);
    g_autofree char *customer = match.customer_id ? crm_db_int64_to_string (match.customer_id) : NULL;
    g_autofree char *s_started = time_param (started);
    g_autofree char *s_answered = time_param (answered);
    g_autofree char *s_ended = time_param (ended);
    const char *params[] = {
      user, call_id, direction, status, number ? number : "", key ? key : "", customer,
      s_started, s_answered, s_ended, device ? device : "", sha && *sha ? sha : NULL,
    };

    /* A repeated log of the same call only fills in what was missing
     * (the recording's checksum once it is known). */
    res = crm_db_exec (db, "call_log",
                       "INSERT INTO calls AS k (user_id, client_call_id, direction, status, number,"
                       " match_key, customer_id, started_at, answered_at, ended_at, device, recording_sha256)"
                       " VALUES ($1::bigint, $2, $3, $4, $5, $6, $7::bigint,"
                       " to_timestamp ($8::bigint / 1000000.0), to_timestamp ($9::bigint / 1000000.0),"
                       " to_timestamp ($10::bigint / 1000000.0), $11, $12)"
                       " ON CONFLICT (user_id, client_call_id) DO UPDATE SET"
                       " answered_at = coalesce (k.answered_at, EXCLUDED.answered_at),"
                       " ended_at = coalesce (k.ended_at, EXCLUDED.ended_at),"
                       " recording_sha256 = coalesce (k.recording_sha256, EXCLUDED.recording_sha256)"
                       " RETURNING id, (xmax = 0)",
                       G_N_ELEMENTS (params), params, error);
  }
  if (res == NULL)
    return NULL;
  id = crm_db_get_int64 (res, 0, 0);
  if (crm_db_get_bool (res, 0, 1) &&
      !crm_db_notify_change (db, "call", id, 1, "create", ctx->session->user_id, error))
    return NULL;

  /* Retention: recordings past the administrator's limit stop being
   * served at once (their files go at the next purge, see
   * crm-call-retention.c). */
  {
    g_autoptr(PGresult) purge =
      crm_db_exec (db, "call_retention",
                   "UPDATE calls SET recording_deleted_at = now(), recording_expired = true"
                   " WHERE recording_sha256 IS NOT NULL AND recording_deleted_at IS NULL"
                   " AND started_at < now () - make_interval (days => (SELECT retention_days FROM call_settings))"
                   " AND (SELECT retention_days FROM call_settings) > 0",
                   0, NULL, error);
    if (purge == NULL)
      return NULL;
  }
  return g_variant_new ("(x)", id);
}

/* ---- call.list / call.stats ---- */

typedef struct {
  char *owners;
  const char *direction, *status, *recording;
  char *user_id, *customer_id, *number_like, *from, *to;
} Filters;

static void
filters_clear (Filters *f)
{
  g_free (f->owners);
  g_free (f->user_id);
  g_free (f->customer_id);
  g_free (f->number_like);
  g_free (f->from);
  g_free (f->to);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Filters, filters_clear)

static gboolean
parse_filters (CrmDb *db, CrmRequestContext *ctx, GVariant *dict, Filters *f, GError **error)
{
  g_autoptr(GVariant) v_user = NULL, v_customer = NULL;
  const char *number = NULL;
  gint64 from = 0, to = 0;

  if (!call_scope (db, ctx, &f->owners, error) ||
      !get_string (dict, "direction", &f->direction, error) ||
      !get_string (dict, "status", &f->status, error) ||
      !get_string (dict, "recording_sha256", &f->recording, error) ||
      !get_string (dict, "number", &number, error) ||
      !crm_calls_dict_get (dict, "user_id", G_VARIANT_TYPE_INT64, &v_user, error) ||
      !crm_calls_dict_get (dict, "customer_id", G_VARIANT_TYPE_INT64, &v_customer, error) ||
      !get_time (dict, "from", &from, error) ||
      !get_time (dict, "to", &to, error))
    return FALSE;
  if (f->direction != NULL && !is_one_of (f->direction, directions))
    {
      g_propagate_error (error, invalid ("direction", _("The direction must be “in” or “out”")));
      return FALSE;
    }
  if (f->status != NULL && !is_one_of (f->status, statuses))
    {
      g_propagate_error (error, invalid ("status", _("Unknown call status")));
      return FALSE;
    }
  if (f->recording != NULL && !valid_sha256 (f->recording))
    {
      g_propagate_error (error, invalid ("recording_sha256",
                                         _("The checksum must be 64 lower-case hexadecimal digits")));
      return FALSE;
    }
  if (number != NULL && *number != '\0')
    {
      g_autofree char *digits = NULL;

      if (strlen (number) > 128 || !g_utf8_validate (number, -1, NULL))
        {
          g_propagate_error (error, invalid ("number", _("This is not a phone number")));
          return FALSE;
        }
      /* Digits only: nothing in the LIKE pattern but digits and the %s. */
      digits = crm_phone_digits (number);
      if (*digits == '\0')
        {
          g_propagate_error (error, invalid ("number", _("This is not a phone number")));
          return FALSE;
        }
      f->number_like = g_strdup_printf ("%%%s%%", digits);
    }
  if (v_user != NULL)
    f->user_id = crm_db_int64_to_string (g_variant_get_int64 (v_user));
  if (v_customer != NULL)
    f->customer_id = crm_db_int64_to_string (g_variant_get_int64 (v_customer));
  f->from = time_param (from);
  f->to = time_param (to);
  return TRUE;
}

#define FILTER_SQL \
  " ($1::bigint[] IS NULL OR k.user_id = ANY ($1::bigint[]))" \
  " AND ($2::text IS NULL OR k.direction = $2)" \
  " AND ($3::text IS NULL OR k.status = $3)" \
  " AND ($4::bigint IS NULL OR k.user_id = $4::bigint)" \
  " AND ($5::bigint IS NULL OR k.customer_id = $5::bigint)" \
  " AND ($6::text IS NULL OR k.match_key LIKE $6 OR k.number LIKE $6)" \
  " AND ($7::bigint IS NULL OR k.started_at >= to_timestamp ($7::bigint / 1000000.0))" \
  " AND ($8::bigint IS NULL OR k.started_at < to_timestamp ($8::bigint / 1000000.0))" \
  " AND ($9::text IS NULL OR k.recording_sha256 = $9)"

#define EPOCH_US(col) "coalesce ((extract (epoch FROM " col ") * 1000000)::bigint, 0)"

GVariant *
crm_call_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) dict = NULL;
  gint64 before;
  gint32 limit;
  g_auto(Filters) f = { 0, };
  g_autofree char *s_before = NULL, *s_limit = NULL;
  g_autoptr(PGresult) res = NULL;
  GVariantBuilder rows;
  gint64 next = 0;

  g_variant_get (request, "(@a{sv}xi)", &dict, &before, &limit);
  if (limit < 1 || limit > MAX_LIST_LIMIT)
    {
      g_propagate_error (error, invalid ("limit", _("The page size must be between 1 and 500")));
      return NULL;
    }
  if (before < 0)
    {
      g_propagate_error (error, invalid ("before", _("Invalid id")));
      return NULL;
    }
  if (!parse_filters (db, ctx, dict, &f, error))
    return NULL;
  s_before = crm_db_int64_to_string (before);
  s_limit = g_strdup_printf ("%d", limit + 1); /* one more tells whether a next page exists */
  {
    const char *params[] = { f.owners, f.direction, f.status, f.user_id, f.customer_id,
                             f.number_like, f.from, f.to, f.recording, s_before, s_limit };

    res = crm_db_exec (db, "call_list",
                       "SELECT k.id, k.direction, k.status, k.number, coalesce (k.customer_id, 0),"
                       " coalesce (c.name, ''), k.user_id, u.display_name,"
                       " " EPOCH_US ("k.started_at") ", " EPOCH_US ("k.answered_at") ", "
                       EPOCH_US ("k.ended_at") ","
                       " k.device, coalesce (k.recording_sha256, ''),"
                       " (k.recording_sha256 IS NOT NULL AND k.recording_deleted_at IS NULL),"
                       " k.client_call_id, k.match_key"
                       " FROM calls k JOIN users u ON u.id = k.user_id"
                       " LEFT JOIN customers c ON c.id = k.customer_id AND c.deleted_at IS NULL"
                       " WHERE" FILTER_SQL
                       " AND ($10::bigint = 0 OR k.id < $10::bigint)"
                       " ORDER BY k.id DESC LIMIT $11::int",
                       G_N_ELEMENTS (params), params, error);
  }
  if (res == NULL)
    return NULL;

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aa{sv}"));
  for (int row = 0; row < PQntuples (res) && row < limit; row++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      gint64 answered = crm_db_get_int64 (res, row, 9);
      gint64 ended = crm_db_get_int64 (res, row, 10);

      g_variant_dict_insert (&d, "id", "x", crm_db_get_int64 (res, row, 0));
      g_variant_dict_insert (&d, "direction", "s", crm_db_get_string (res, row, 1));
      g_variant_dict_insert (&d, "status", "s", crm_db_get_string (res, row, 2));
      g_variant_dict_insert (&d, "number", "s", crm_db_get_string (res, row, 3));
      g_variant_dict_insert (&d, "customer_id", "x", crm_db_get_int64 (res, row, 4));
      g_variant_dict_insert (&d, "customer_name", "s", crm_db_get_string (res, row, 5));
      g_variant_dict_insert (&d, "user_id", "x", crm_db_get_int64 (res, row, 6));
      g_variant_dict_insert (&d, "user_name", "s", crm_db_get_string (res, row, 7));
      g_variant_dict_insert (&d, "started_at", "x", crm_db_get_int64 (res, row, 8));
      g_variant_dict_insert (&d, "answered_at", "x", answered);
      g_variant_dict_insert (&d, "ended_at", "x", ended);
      g_variant_dict_insert (&d, "duration", "x",
                             answered != 0 && ended >= answered ? (ended - answered) / G_USEC_PER_SEC : 0);
      g_variant_dict_insert (&d, "device", "s", crm_db_get_string (res, row, 11));
      g_variant_dict_insert (&d, "recording_sha256", "s", crm_db_get_string (res, row, 12));
      g_variant_dict_insert (&d, "recording_available", "b", crm_db_get_bool (res, row, 13));
      g_variant_dict_insert (&d, "client_call_id", "s", crm_db_get_string (res, row, 14));
      g_variant_dict_insert (&d, "normalized", "s", crm_db_get_string (res, row, 15));
      g_variant_builder_add_value (&rows, g_variant_dict_end (&d));
      next = crm_db_get_int64 (res, row, 0);
    }
  if (PQntuples (res) <= limit)
    next = 0;
  return g_variant_new ("(@aa{sv}x)", g_variant_builder_end (&rows), next);
}

#define STATS_COLUMNS \
  " count (*), count (*) FILTER (WHERE k.status = 'answered')," \
  " count (*) FILTER (WHERE k.status = 'missed')," \
  " coalesce (sum (extract (epoch FROM k.ended_at - k.answered_at))" \
  "   FILTER (WHERE k.answered_at IS NOT NULL AND k.ended_at IS NOT NULL), 0)::bigint"

GVariant *
crm_call_stats (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) dict = NULL;
  const char *group;
  g_auto(Filters) f = { 0, };
  g_autoptr(PGresult) res = NULL;
  GVariantBuilder out;

  g_variant_get (request, "(@a{sv}&s)", &dict, &group);
  if (!parse_filters (db, ctx, dict, &f, error))
    return NULL;
  {
    const char *params[] = { f.owners, f.direction, f.status, f.user_id, f.customer_id,
                             f.number_like, f.from, f.to, f.recording };

    if (strcmp (group, "user") == 0)
      res = crm_db_exec (db, "call_stats_user",
                         "SELECT u.display_name," STATS_COLUMNS
                         " FROM calls k JOIN users u ON u.id = k.user_id WHERE" FILTER_SQL
                         " GROUP BY u.id, u.display_name ORDER BY count (*) DESC, u.id",
                         G_N_ELEMENTS (params), params, error);
    else if (strcmp (group, "day") == 0)
      res = crm_db_exec (db, "call_stats_day",
                         "SELECT to_char (k.started_at, 'YYYY-MM-DD') AS label," STATS_COLUMNS
                         " FROM calls k WHERE" FILTER_SQL " GROUP BY label ORDER BY label",
                         G_N_ELEMENTS (params), params, error);
    else if (strcmp (group, "hour") == 0)
      res = crm_db_exec (db, "call_stats_hour",
                         "SELECT to_char (k.started_at, 'HH24') AS label," STATS_COLUMNS
                         " FROM calls k WHERE" FILTER_SQL " GROUP BY label ORDER BY label",
                         G_N_ELEMENTS (params), params, error);
    else
      {
        g_propagate_error (error, invalid ("group", _("Group by “user”, “day” or “hour”")));
        return NULL;
      }
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&out, G_VARIANT_TYPE ("a(sxxxx)"));
  for (int row = 0; row < PQntuples (res); row++)
    g_variant_builder_add (&out, "(sxxxx)", crm_db_get_string (res, row, 0),
                           crm_db_get_int64 (res, row, 1), crm_db_get_int64 (res, row, 2),
                           crm_db_get_int64 (res, row, 3), crm_db_get_int64 (res, row, 4));
  return g_variant_builder_end (&out);
}

/* ---- call.delete_recording ---- */

GVariant *
crm_call_delete_recording (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 id;
  g_autofree char *owners = NULL, *sid = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sx)", NULL, &id);
  if (!call_scope (db, ctx, &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid, owners };

    res = crm_db_exec (db, "call_delete_recording",
                       "UPDATE calls k SET recording_deleted_at = now()"
                       " WHERE k.id = $1::bigint AND k.recording_sha256 IS NOT NULL"
                       " AND k.recording_deleted_at IS NULL"
                       " AND ($2::bigint[] IS NULL OR k.user_id = ANY ($2::bigint[]))"
                       " RETURNING k.recording_sha256", 2, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _("This call has no recording"));
      return NULL;
    }
  if (!crm_db_audit (db, ctx, "delete_recording", "call", id, NULL, NULL, error))
    return NULL;
  return g_variant_new ("()");
}

/* ---- call.settings_get / call.settings_set ---- */

GVariant *
crm_call_settings_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(PGresult) res = crm_db_exec (db, "call_settings_get",
                                         "SELECT retention_days, local_area_code, deleted_grace_days"
                                         " FROM call_settings",
                                         0, NULL, error);

  if (res == NULL)
    return NULL;
  g_variant_dict_insert (&d, "retention_days", "i", (gint32) crm_db_get_int64 (res, 0, 0));
  g_variant_dict_insert (&d, "local_area_code", "s", crm_db_get_string (res, 0, 1));
  g_variant_dict_insert (&d, "deleted_grace_days", "i", (gint32) crm_db_get_int64 (res, 0, 2));
  return g_variant_dict_end (&d);
}

static gboolean
valid_area_code (const char *code)
{
  gsize n = strlen (code);

  if (n == 0)
    return TRUE;
  if (n < 3 || n > 4 || code[0] != '0' || code[1] == '0')
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

/* A day count given as `v` (NULL: not given, *out stays NULL) as text in
 * *out; outside 0 to `max` it is `message` on the field `key`. */
static gboolean
days_param (GVariant *v, gint32 max, const char *key, const char *message, char **out,
            GError **error)
{
  gint32 days;

  if (v == NULL)
    return TRUE;
  days = g_variant_get_int32 (v);
  if (days < 0 || days > max)
    {
      g_propagate_error (error, invalid (key, message));
      return FALSE;
    }
  *out = g_strdup_printf ("%d", days);
  return TRUE;
}

GVariant *
crm_call_settings_set (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) dict = NULL, v_days = NULL, v_grace = NULL;
  const char *area = NULL;
  g_autofree char *s_days = NULL, *s_grace = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&s@a{sv})", NULL, &dict);
  if (!crm_calls_dict_get (dict, "retention_days", G_VARIANT_TYPE_INT32, &v_days, error) ||
      !crm_calls_dict_get (dict, "deleted_grace_days", G_VARIANT_TYPE_INT32, &v_grace, error) ||
      !get_string (dict, "local_area_code", &area, error))
    return NULL;
  if (!days_param (v_grace, 365, "deleted_grace_days",
                   _("Keep deleted recordings 0 to 365 days before their files go"), &s_grace, error) ||
      !days_param (v_days, 3650, "retention_days",
                   _("Keep recordings 0 (for ever) to 3650 days"), &s_days, error))
    return NULL;
  if (area != NULL && !valid_area_code (area))
    {
      g_propagate_error (error, invalid ("local_area_code",
                                         _("An area code is 3 or 4 digits starting with 0, like 010 or 0755")));
      return NULL;
    }
  {
    const char *params[] = { s_days, area, s_grace };

    res = crm_db_exec (db, "call_settings_set",
                       "UPDATE call_settings SET retention_days = coalesce ($1::int, retention_days),"
                       " local_area_code = coalesce ($2::text, local_area_code),"
                       " deleted_grace_days = coalesce ($3::int, deleted_grace_days), updated_at = now()"
                       " RETURNING retention_days, local_area_code, deleted_grace_days", 3, params, error);
  }
  if (res == NULL)
    return NULL;
  {
    g_autofree char *after = g_strdup_printf ("{\"retention_days\": %s, \"local_area_code\": \"%s\","
                                              " \"deleted_grace_days\": %s}",
                                              crm_db_get_string (res, 0, 0), crm_db_get_string (res, 0, 1),
                                              crm_db_get_string (res, 0, 2));

    if (!crm_db_audit (db, ctx, "update", "call_settings", 0, NULL, after, error))
      return NULL;
  }
  return g_variant_new ("()");
}

/* ---- call.purge_recordings (the retention pass) ---- */

#define SYSTEM_TOKEN_HASH "system:call-retention"

CrmRequestContext *
crm_call_retention_context_new (void)
{
  CrmRequestContext *ctx = g_new0 (CrmRequestContext, 1);
  char **permissions = g_new0 (char *, 2);

  permissions[0] = g_strdup ("settings.manage");
  ctx->message = crm_message_lookup (CRM_MSG_CALL_PURGE_RECORDINGS);
  ctx->session = crm_session_new (SYSTEM_TOKEN_HASH, 0, 0, "", "", permissions, G_MAXINT64, FALSE);
  ctx->locale = g_strdup ("C");
  ctx->peer_address = g_strdup ("server");
  return ctx;
}

GVariant *
crm_call_purge_recordings (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) files = NULL;
  g_autoptr(GString) shas = g_string_new ("{");
  g_autoptr(GString) mtimes = g_string_new ("{");
  g_autoptr(PGresult) expired = NULL, purge = NULL;
  g_auto(GVariantDict) reply = G_VARIANT_DICT_INIT (NULL);
  GVariantBuilder out;
  gint64 n_expired;
  gsize n_files;

  g_variant_get (request, "(&s@a(sx))", NULL, &files);
  n_files = g_variant_n_children (files);
  if (n_files > CRM_CALL_PURGE_BATCH)
    {
      g_propagate_error (error, invalid ("files", _("Too many files in one request")));
      return NULL;
    }
  for (gsize i = 0; i < n_files; i++)
    {
      const char *sha;
      gint64 mtime;
      char number[32];

      g_variant_get_child (files, i, "(&sx)", &sha, &mtime);
      if (!valid_sha256 (sha))
        {
          g_propagate_error (error, invalid ("files", _("Invalid recording checksum")));
          return NULL;
        }
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, mtime);
      if (shas->len > 1)
        {
          g_string_append_c (shas, ',');
          g_string_append_c (mtimes, ',');
        }
      g_string_append (shas, sha);
      g_string_append (mtimes, number);
    }
  g_string_append_c (shas, '}');
  g_string_append_c (mtimes, '}');

  /* Recordings that passed the retention period stop being served now. */
  expired = crm_db_exec (db, "call_purge_expire",
                         "WITH e AS (UPDATE calls SET recording_deleted_at = now(), recording_expired = true"
                         " WHERE recording_sha256 IS NOT NULL AND recording_deleted_at IS NULL"
                         " AND (SELECT retention_days FROM call_settings) > 0"
                         " AND started_at < now () - make_interval (days => (SELECT retention_days FROM call_settings))"
                         " RETURNING 1) SELECT count (*) FROM e",
                         0, NULL, error);
  if (expired == NULL)
    return NULL;
  n_expired = crm_db_get_int64 (expired, 0, 0);

  /* A file goes when no call still serves it, none deleted by a user is
   * still in its grace period, and either some call referenced it or it
   * is an old orphan. */
  {
    g_autofree char *orphan_age = g_strdup_printf ("%" G_GINT64_FORMAT, CRM_CALL_ORPHAN_AGE_US);
    const char *params[] = { shas->str, mtimes->str, orphan_age };

    purge = crm_db_exec (db, "call_purge_files",
                         "SELECT f.sha FROM unnest ($1::text[], $2::bigint[]) AS f (sha, mtime)"
                         " WHERE NOT EXISTS (SELECT 1 FROM calls k WHERE k.recording_sha256 = f.sha"
                         "   AND (k.recording_deleted_at IS NULL OR (NOT k.recording_expired AND"
                         "        k.recording_deleted_at > now () - make_interval (days =>"
                         "          (SELECT deleted_grace_days FROM call_settings)))))"
                         " AND (EXISTS (SELECT 1 FROM calls k WHERE k.recording_sha256 = f.sha)"
                         "   OR f.mtime < (extract (epoch FROM now ()) * 1000000)::bigint - $3::bigint)",
                         3, params, error);
  }
  if (purge == NULL)
    return NULL;

  if (n_expired > 0 || PQntuples (purge) > 0)
    {
      /* One event per pass, with the counts; the system's own pass has no
       * user. */
      CrmRequestContext audit_ctx = *ctx;
      g_autofree char *after = g_strdup_printf ("{\"expired\": %" G_GINT64_FORMAT ", \"files\": %d}",
                                                n_expired, PQntuples (purge));

      if (ctx->session != NULL && ctx->session->user_id == 0)
        audit_ctx.session = NULL;
      if (!crm_db_audit (db, &audit_ctx, "purge", "call_recording", 0, NULL, after, error))
        return NULL;
    }
  g_variant_builder_init (&out, G_VARIANT_TYPE ("as"));
  for (int row = 0; row < PQntuples (purge); row++)
    g_variant_builder_add (&out, "s", crm_db_get_string (purge, row, 0));
  g_variant_dict_insert (&reply, "expired", "x", n_expired);
  g_variant_dict_insert_value (&reply, "purge", g_variant_builder_end (&out));
  return g_variant_dict_end (&reply);
}
