/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crmctl-output.h"
#include "crmctl.h"

/*
 * The admin console for scripts (issue 4): team, accounts, roles, settings,
 * audit and recycle bin.  Each command is one message of the table; its
 * request is built from positional arguments and KEY=VALUE pairs:
 *
 *   crmctl user update 12 department_id=3 roles=salesperson,team_lead
 *   crmctl role create name=auditor display_name=审计员 grants=audit.view:3
 *   crmctl field add entity=customer key=level label=等级 type=choice choices=金,银
 *   crmctl audit entity=customer action=delete
 *
 * Values: ids, "sort", "from"/"to" (Unix µs or YYYY-MM-DD) are numbers;
 * true/false flags; comma lists for roles, grants, denials, choices and
 * required; role grants as permission:scope; entry-rule formats as
 * field:format.  `crmctl call` reaches every message with GVariant text.
 */

typedef struct
{
  const char  *noun;
  const char  *action;
  CrmMessageId id;
  /* One token per request member after the idempotency key:
   *   x / x?   positional id (required / optional, default 0)
   *   s / s?   positional text (required / optional, default "")
   *   i?       positional limit (default 100)
   *   T / F    the constant true / false
   *   D        a{sv} of the KEY=VALUE pairs
   *   L        aa{sv}: one item of the KEY=VALUE pairs */
  const char *members;
  const char *usage;   /* arguments, for help */
  const char *columns; /* keys shown as a table for record lists */
} AdminCommand;

static const AdminCommand commands[] = {
  { "user", "list", CRM_MSG_USER_LIST, "", "",
    "id,login,display_name,department_id,leader_id,roles,disabled,locked" },
  { "user", "update", CRM_MSG_USER_UPDATE, "x D", "ID KEY=VALUE…", NULL },
  { "user", "disable", CRM_MSG_USER_SET_DISABLED, "x T", "ID", NULL },
  { "user", "enable", CRM_MSG_USER_SET_DISABLED, "x F", "ID", NULL },
  { "user", "unlock", CRM_MSG_USER_UNLOCK, "x", "ID", NULL },
  { "user", "reset-password", CRM_MSG_USER_RESET_PASSWORD, "x", "ID", NULL },
  { "user", "history", CRM_MSG_USER_LOGIN_HISTORY, "x? i?", "[USER_ID [LIMIT]]",
    "at,login,peer,success,reason" },
  { "session", "list", CRM_MSG_SESSION_LIST, "x?", "[USER_ID]",
    "id,login,created_at,last_seen,peer,client" },
  { "session", "revoke", CRM_MSG_SESSION_REVOKE, "s", "SESSION_ID", NULL },
  { "device", "list", CRM_MSG_DEVICE_LIST, "", "", "id,login,name,client_key,approved,last_seen" },
  { "device", "approve", CRM_MSG_DEVICE_APPROVE, "x T", "ID", NULL },
  { "device", "reject", CRM_MSG_DEVICE_APPROVE, "x F", "ID", NULL },
  { "role", "list", CRM_MSG_ROLE_LIST, "", "", "id,name,display_name,is_template,permissions" },
  { "role", "create", CRM_MSG_ROLE_CREATE, "D", "name=… display_name=… [grants=PERM:SCOPE,…]",
    NULL },
  { "role", "update", CRM_MSG_ROLE_UPDATE, "x D", "ID KEY=VALUE…", NULL },
  { "role", "delete", CRM_MSG_ROLE_DELETE, "x", "ID", NULL },
  { "department", "list", CRM_MSG_DEPARTMENT_LIST, "", "", "id,name,parent_id" },
  { "department", "create", CRM_MSG_DEPARTMENT_CREATE, "s x?", "NAME [PARENT_ID]", NULL },
  { "department", "update", CRM_MSG_DEPARTMENT_UPDATE, "x D", "ID KEY=VALUE…", NULL },
  { "department", "delete", CRM_MSG_DEPARTMENT_DELETE, "x", "ID", NULL },
  { "choice", "list", CRM_MSG_CHOICE_LIST, "s", "LIST", "id,label,sort,retired" },
  { "choice", "save", CRM_MSG_CHOICE_SAVE, "s L", "LIST [id=ID] label=… [sort=N] [retired=true]",
    NULL },
  { "field", "list", CRM_MSG_CUSTOM_FIELD_LIST, "s", "ENTITY",
    "id,key,label,type,required,choices,retired" },
  { "field", "save", CRM_MSG_CUSTOM_FIELD_SAVE, "D",
    "[id=ID] entity=… key=… label=… type=… [required=true] [choices=A,B]", NULL },
  { "field", "retire", CRM_MSG_CUSTOM_FIELD_RETIRE, "x", "ID", NULL },
  { "numbering", "get", CRM_MSG_NUMBERING_GET, "s", "ENTITY", NULL },
  { "numbering", "set", CRM_MSG_NUMBERING_SAVE, "s D",
    "ENTITY [prefix=…] [date_pattern=…] [separator=…] [width=N] [reset=…]", NULL },
  { "entry-rule", "get", CRM_MSG_ENTRY_RULE_GET, "s", "ENTITY", NULL },
  { "entry-rule", "set", CRM_MSG_ENTRY_RULE_SAVE, "s D",
    "ENTITY [required=A,B] [formats=FIELD:FORMAT,…] [duplicate_name=allow|warn|forbid]", NULL },
  { "setting", "get", CRM_MSG_SETTING_GET, "", "", NULL },
  { "setting", "set", CRM_MSG_SETTING_SET, "D", "KEY=VALUE…", NULL },
  { "audit", "list", CRM_MSG_AUDIT_LIST, "D x? i?",
    "[user_id=… entity=… action=… entity_id=… from=… to=…] [BEFORE_ID [LIMIT]]",
    "id,at,login,action,entity,entity_id,after" },
  /* BEFORE: the "next" of the previous page (an id for one kind, a
   * deletion time in µs for every kind). */
  { "recycle", "list", CRM_MSG_RECYCLE_LIST, "s? x? i?", "[ENTITY [BEFORE [LIMIT]]]",
    "entity,id,title,deleted_by_name,deleted_at" },
  { "recycle", "kinds", CRM_MSG_RECYCLE_KINDS, "", "", NULL },
  { "recycle", "restore", CRM_MSG_RECYCLE_RESTORE, "s x", "ENTITY ID", NULL },
  { "recycle", "purge", CRM_MSG_RECYCLE_PURGE, "s x", "ENTITY ID", NULL },
};

static gboolean
parse_bool (const char *text, gboolean *out)
{
  if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0
      || strcmp (text, "1") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0
           || strcmp (text, "0") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_time (const char *text, gint64 *out)
{
  int  y, m, d;
  char tail;

  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, out, NULL))
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && g_date_valid_dmy (d, m, y))
    {
      g_autoptr (GDateTime) dt = g_date_time_new_local (y, m, d, 0, 0, 0);
      *out = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
      return TRUE;
    }
  return FALSE;
}

static GVariant *
split_list (const char *text)
{
  g_auto (GStrv) parts = text[0] ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);

  for (guint i = 0; parts[i] != NULL; i++)
    g_strstrip (parts[i]);
  return g_variant_new_strv ((const char *const *)parts, -1);
}

/* One KEY=VALUE pair as a dictionary value, typed by key and command. */
static GVariant *
typed_value (const AdminCommand *cmd, const char *key, const char *text, GError **error)
{
  gboolean b;
  gint64   n;

  if (strcmp (cmd->noun, "setting") == 0)
    {
      if (parse_bool (text, &b) && !g_ascii_isdigit (text[0]))
        return g_variant_new_boolean (b);
      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &n, NULL))
        return g_variant_new_int64 (n);
      return g_variant_new_string (text);
    }
  if (strcmp (key, "grants") == 0 && strcmp (cmd->noun, "role") == 0)
    {
      g_auto (GStrv) parts = text[0] ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
      GVariantBuilder bld;

      g_variant_builder_init (&bld, G_VARIANT_TYPE ("a(su)"));
      for (guint i = 0; parts[i] != NULL; i++)
        {
          const char      *colon = strrchr (parts[i], ':');
          guint64          scope = 0;
          g_autofree char *perm = NULL;

          if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 3, &scope, NULL))
            {
              g_variant_builder_clear (&bld);
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("A grant is PERMISSION:SCOPE with a scope of 0–3, not “%s”."),
                           parts[i]);
              return NULL;
            }
          perm = g_strstrip (g_strndup (parts[i], colon - parts[i]));
          g_variant_builder_add (&bld, "(su)", perm, (guint32)scope);
        }
      return g_variant_builder_end (&bld);
    }
  if (strcmp (key, "formats") == 0)
    {
      g_auto (GStrv) parts = text[0] ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);
      GVariantBuilder bld;

      g_variant_builder_init (&bld, G_VARIANT_TYPE ("a{ss}"));
      for (guint i = 0; parts[i] != NULL; i++)
        {
          const char      *colon = strchr (parts[i], ':');
          g_autofree char *field = NULL;

          if (colon == NULL)
            {
              g_variant_builder_clear (&bld);
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("A format is FIELD:FORMAT, not “%s”."), parts[i]);
              return NULL;
            }
          field = g_strstrip (g_strndup (parts[i], colon - parts[i]));
          g_variant_builder_add (&bld, "{ss}", field, colon + 1);
        }
      return g_variant_builder_end (&bld);
    }
  if (g_strv_contains ((const char *const[]){ "roles", "grants", "denials", "choices", NULL }, key)
      || (strcmp (key, "required") == 0 && strcmp (cmd->noun, "entry-rule") == 0))
    return split_list (text);
  if (g_strv_contains ((const char *const[]){ "required", "retired", "device_binding", NULL }, key))
    {
      if (!parse_bool (text, &b))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("%s needs true or false, not “%s”."), key, text);
          return NULL;
        }
      return g_variant_new_boolean (b);
    }
  if (strcmp (key, "width") == 0)
    {
      if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT32, &n, NULL))
        goto not_a_number;
      return g_variant_new_int32 ((gint32)n);
    }
  if (strcmp (key, "from") == 0 || strcmp (key, "to") == 0)
    {
      if (!parse_time (text, &n))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("%s needs a date (YYYY-MM-DD) or Unix microseconds, not “%s”."), key,
                       text);
          return NULL;
        }
      return g_variant_new_int64 (n);
    }
  if (strcmp (key, "id") == 0 || g_str_has_suffix (key, "_id") || strcmp (key, "sort") == 0)
    {
      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &n, NULL))
        goto not_a_number;
      return g_variant_new_int64 (n);
    }
  return g_variant_new_string (text);

not_a_number:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _ ("%s needs a whole number, not “%s”."), key, text);
  return NULL;
}

static GVariant *
pairs_to_dict (const AdminCommand *cmd, GPtrArray *pairs, GError **error)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < pairs->len; i++)
    {
      const char      *pair = pairs->pdata[i];
      const char      *eq = strchr (pair, '=');
      g_autofree char *key = g_strndup (pair, eq - pair);
      GVariant        *value = typed_value (cmd, key, eq + 1, error);

      if (value == NULL)
        {
          g_variant_builder_clear (&b);
          return NULL;
        }
      g_variant_builder_add (&b, "{sv}", key, value);
    }
  return g_variant_builder_end (&b);
}

static GVariant *
build_request (const AdminCommand *cmd, int argc, char **argv, GError **error)
{
  const CrmMessageInfo *info = crm_message_lookup (cmd->id);
  g_autoptr (GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr (GPtrArray) positional = g_ptr_array_new ();
  g_auto (GStrv) tokens = g_strsplit (cmd->members, " ", -1);
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
  guint next = 0;

  for (int i = 0; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_ptr_array_add (eq != NULL && eq != argv[i] ? pairs : positional, argv[i]);
    }
  if (pairs->len > 0 && strchr (cmd->members, 'D') == NULL && strchr (cmd->members, 'L') == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("“%s %s” takes no KEY=VALUE arguments."), cmd->noun, cmd->action);
      return NULL;
    }
  if ((info->flags & CRM_MSG_FLAG_MUTATES) != 0)
    {
      g_autofree char *key = crm_new_idempotency_key ();
      g_ptr_array_add (members, g_variant_ref_sink (g_variant_new_string (key)));
    }
  for (guint t = 0; tokens[t] != NULL; t++)
    {
      const char *tok = tokens[t];
      gboolean    optional = tok[0] != '\0' && tok[1] == '?';
      const char *arg = next < positional->len ? positional->pdata[next] : NULL;
      GVariant   *v = NULL;

      if (tok[0] == '\0')
        continue;
      if (tok[0] == 'x' || tok[0] == 's' || tok[0] == 'i')
        {
          if (arg == NULL && !optional)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("Missing arguments; usage: crmctl %s %s %s"), cmd->noun, cmd->action,
                           cmd->usage);
              return NULL;
            }
          if (arg != NULL)
            next++;
        }
      switch (tok[0])
        {
        case 'x':
          {
            gint64 n = 0;
            if (arg != NULL && !g_ascii_string_to_signed (arg, 10, 0, G_MAXINT64, &n, NULL))
              {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _ ("“%s” is not an ID (a whole number)."), arg);
                return NULL;
              }
            v = g_variant_new_int64 (n);
          }
          break;
        case 'i':
          {
            gint64 n = 100;
            if (arg != NULL && !g_ascii_string_to_signed (arg, 10, 1, 5000, &n, NULL))
              {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _ ("“%s” is not a limit (1–5000)."), arg);
                return NULL;
              }
            v = g_variant_new_int32 ((gint32)n);
          }
          break;
        case 's':
          v = g_variant_new_string (arg ? arg : "");
          break;
        case 'T':
        case 'F':
          v = g_variant_new_boolean (tok[0] == 'T');
          break;
        case 'D':
          v = pairs_to_dict (cmd, pairs, error);
          break;
        case 'L':
          {
            GVariant *item = pairs_to_dict (cmd, pairs, error);
            v = item ? g_variant_new_array (G_VARIANT_TYPE_VARDICT, &item, 1) : NULL;
          }
          break;
        default:
          g_assert_not_reached ();
        }
      if (v == NULL)
        return NULL;
      g_ptr_array_add (members, g_variant_ref_sink (v));
    }
  if (next < positional->len)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("Unexpected argument “%s”; usage: crmctl %s %s %s"),
                   (char *)positional->pdata[next], cmd->noun, cmd->action, cmd->usage);
      return NULL;
    }
  return g_variant_new_tuple ((GVariant *const *)members->pdata, members->len);
}

static void
print_table (GVariant *rows, const char *columns)
{
  g_auto (GStrv) keys = g_strsplit (columns, ",", -1);
  guint n = g_strv_length (keys);
  g_autoptr (CrmctlTable) table = crmctl_table_new (n, (const char *const *)keys);

  for (gsize r = 0; r < g_variant_n_children (rows); r++)
    {
      g_autoptr (GVariant) row = g_variant_get_child_value (rows, r);
      g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

      for (guint c = 0; c < n; c++)
        g_ptr_array_add (cells, crmctl_record_dup_display_text (row, keys[c]));
      crmctl_table_add_row (table, (const char *const *)cells->pdata);
    }
  crmctl_table_print (table, stdout);
}

static int
compare_strp (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

/* "key  value" lines in key order, aligned. */
static void
print_dict (GVariant *dict)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char  *key;
  gsize        width = 0;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    {
      g_ptr_array_add (keys, g_strdup (key));
      width = MAX (width, strlen (key));
    }
  g_ptr_array_sort (keys, compare_strp);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *text = crmctl_record_dup_display_text (dict, keys->pdata[i]);
      printf ("%-*s  %s\n", (int)width, (char *)keys->pdata[i], text);
    }
}

static void
print_reply (CrmctlContext *ctx, const AdminCommand *cmd, GVariant *reply)
{
  if (ctx->json)
    {
      crmctl_print_json (reply, stdout);
      return;
    }
  if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("aa{sv}")) && cmd->columns)
    print_table (reply, cmd->columns);
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(aa{sv}x)")) && cmd->columns)
    {
      g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);
      gint64 next = 0;

      g_variant_get_child (reply, 1, "x", &next);
      print_table (rows, cmd->columns);
      if (next != 0)
        {
          g_autofree char *before = g_strdup_printf ("%" G_GINT64_FORMAT, next);
          /* TRANSLATORS: %s is a record id to pass as BEFORE_ID */
          printf (_ ("More rows: repeat with BEFORE_ID %s\n"), before);
        }
    }
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE_VARDICT))
    print_dict (reply);
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(x)")))
    {
      gint64 id;
      g_variant_get (reply, "(x)", &id);
      printf ("%" G_GINT64_FORMAT "\n", id);
    }
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(s)")))
    {
      const char *s;
      g_variant_get (reply, "(&s)", &s);
      printf ("%s\n", s);
    }
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("a(ss)")))
    {
      /* Name and label pairs (recycle kinds), one a line. */
      GVariantIter iter;
      const char  *name, *label;

      g_variant_iter_init (&iter, reply);
      while (g_variant_iter_next (&iter, "(&s&s)", &name, &label))
        printf ("%-16s  %s\n", name, label);
    }
  else if (!g_variant_is_of_type (reply, G_VARIANT_TYPE_UNIT))
    {
      g_autofree char *text = g_variant_print (reply, FALSE);
      printf ("%s\n", text);
    }
}

static void
print_usage (const char *noun)
{
  g_printerr (_ ("Usage:\n"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (noun == NULL || strcmp (commands[i].noun, noun) == 0)
      g_printerr ("  crmctl %s %s %s\n", commands[i].noun, commands[i].action, commands[i].usage);
}

gboolean
crmctl_admin_is_noun (const char *word)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].noun, word) == 0)
      return TRUE;
  return FALSE;
}

int
crmctl_cmd_admin (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) request = NULL;
  g_autoptr (GVariant) reply = NULL;
  const AdminCommand *cmd = NULL;
  const char         *action;
  int                 first = 2;

  /* "crmctl audit user_id=3" reads as "audit list". */
  action = argc >= 2 ? argv[1] : "list";
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].noun, argv[0]) == 0 && strcmp (commands[i].action, action) == 0)
      cmd = &commands[i];
  if (cmd == NULL && (argc < 2 || strchr (argv[1], '=') != NULL || g_ascii_isdigit (argv[1][0])))
    for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (commands[i].noun, argv[0]) == 0 && strcmp (commands[i].action, "list") == 0)
        {
          cmd = &commands[i];
          first = 1;
        }
  if (cmd == NULL)
    {
      print_usage (argv[0]);
      return crmctl_usage_error (_ ("Unknown command “%s %s”."), argv[0], action);
    }
  request = build_request (cmd, argc - first, argv + first, &error);
  if (request == NULL)
    return crmctl_usage_error ("%s", error->message);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  reply = crm_connection_call_sync (ctx->connection, cmd->id, g_steal_pointer (&request), NULL,
                                    &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  print_reply (ctx, cmd, reply);
  return CRMCTL_EXIT_OK;
}
