/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-custom-fields"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-custom-field-defs.h"
#include "crm-messages.h"
#include "crm-money.h"

struct _CrmCustomFieldDefs
{
  GObject       parent_instance;

  CrmSession   *session;     /* weak */
  char         *entity;
  GPtrArray    *defs;        /* CrmCustomFieldDef */
  GCancellable *cancellable;
  gboolean      loaded;
  guint         generation;
};

G_DEFINE_FINAL_TYPE (CrmCustomFieldDefs, crm_custom_field_defs, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *const type_names[] = {
  [CRM_CUSTOM_FIELD_TEXT] = "text",
  [CRM_CUSTOM_FIELD_NUMBER] = "number",
  [CRM_CUSTOM_FIELD_MONEY] = "money",
  [CRM_CUSTOM_FIELD_DATE] = "date",
  [CRM_CUSTOM_FIELD_CHOICE] = "choice",
  [CRM_CUSTOM_FIELD_MULTI_CHOICE] = "multi_choice",
  [CRM_CUSTOM_FIELD_PHONE] = "phone",
  [CRM_CUSTOM_FIELD_EMAIL] = "email",
};

static void
def_free (CrmCustomFieldDef *def)
{
  g_free (def->key);
  g_free (def->record_key);
  g_free (def->label);
  g_strfreev (def->choices);
  g_free (def);
}

/* One definition from the server; NULL when it is not one this client
 * knows how to show (a newer server's type), so it is left out. */
static CrmCustomFieldDef *
def_from_variant (GVariant *v)
{
  const char *key = NULL, *label = NULL, *type = NULL;
  g_autofree const char **choices = NULL;
  CrmCustomFieldDef *def;
  gint t = -1;

  if (!g_variant_lookup (v, "key", "&s", &key) || !g_variant_lookup (v, "type", "&s", &type) ||
      *key == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (g_str_equal (type, type_names[i]))
      t = (gint) i;
  if (t < 0)
    return NULL;
  def = g_new0 (CrmCustomFieldDef, 1);
  def->key = g_strdup (key);
  def->record_key = g_strconcat ("cf.", key, NULL);
  def->label = g_strdup (g_variant_lookup (v, "label", "&s", &label) && *label ? label : key);
  def->type = (CrmCustomFieldType) t;
  g_variant_lookup (v, "required", "b", &def->required);
  g_variant_lookup (v, "retired", "b", &def->retired);
  if (g_variant_lookup (v, "choices", "^a&s", &choices) && choices)
    def->choices = g_strdupv ((char **) choices);
  else
    def->choices = g_new0 (char *, 1);
  return def;
}

static gboolean
def_equal (const CrmCustomFieldDef *a,
           const CrmCustomFieldDef *b)
{
  return g_str_equal (a->key, b->key) && g_str_equal (a->label, b->label) &&
         a->type == b->type && a->required == b->required && a->retired == b->retired &&
         g_strv_equal ((const char * const *) a->choices, (const char * const *) b->choices);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmCustomFieldDefs) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GPtrArray) defs = NULL;
  gboolean same;
  GVariantIter iter;
  GVariant *item;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("custom fields not listed: %s", error->message);
      return;
    }
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("aa{sv}")))
    return;
  defs = g_ptr_array_new_with_free_func ((GDestroyNotify) def_free);
  g_variant_iter_init (&iter, reply);
  while ((item = g_variant_iter_next_value (&iter)))
    {
      CrmCustomFieldDef *def = def_from_variant (item);

      if (def)
        g_ptr_array_add (defs, def);
      g_variant_unref (item);
    }
  /* Several pushes may bring the same definitions: forms are rebuilt
   * only for a real change. */
  same = self->loaded && defs->len == self->defs->len;
  for (guint i = 0; same && i < defs->len; i++)
    same = def_equal (g_ptr_array_index (defs, i), g_ptr_array_index (self->defs, i));
  self->loaded = TRUE;
  if (same)
    return;
  g_ptr_array_unref (self->defs);
  self->defs = g_steal_pointer (&defs);
  self->generation++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
crm_custom_field_defs_reload (CrmCustomFieldDefs *self)
{
  g_return_if_fail (CRM_IS_CUSTOM_FIELD_DEFS (self));

  if (self->session == NULL)
    return;
  /* A newer reload supersedes one still in flight. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  crm_session_call_async (self->session, CRM_MSG_CUSTOM_FIELD_LIST,
                          g_variant_new ("(s)", self->entity), self->cancellable, list_cb,
                          g_object_ref (self));
}

static void
on_push (CrmSession         *session,
         guint               message_id,
         GVariant           *body,
         CrmCustomFieldDefs *self)
{
  const char *entity, *action;
  gint64 id, version;

  if (message_id != CRM_MSG_PUSH_RECORD_CHANGED ||
      !g_variant_is_of_type (body, G_VARIANT_TYPE ("(sxxs)")))
    return;
  g_variant_get (body, "(&sxx&s)", &entity, &id, &version, &action);
  if (g_str_equal (entity, "settings") && g_str_equal (action, "custom_field"))
    crm_custom_field_defs_reload (self);
}

/* A push may have been missed while the connection was down. */
static void
on_state (CrmSession         *session,
          GParamSpec         *pspec,
          CrmCustomFieldDefs *self)
{
  if (crm_session_get_state (session) == CRM_SESSION_STATE_ONLINE && self->loaded)
    crm_custom_field_defs_reload (self);
}

CrmCustomFieldDefs *
crm_custom_field_defs_new (CrmSession *session,
                           const char *entity)
{
  CrmCustomFieldDefs *self;

  g_return_val_if_fail (CRM_IS_SESSION (session), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  self = g_object_new (CRM_TYPE_CUSTOM_FIELD_DEFS, NULL);
  self->entity = g_strdup (entity);
  g_set_weak_pointer (&self->session, session);
  g_signal_connect_object (session, "push", G_CALLBACK (on_push), self, 0);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_state), self, 0);
  crm_custom_field_defs_reload (self);
  return self;
}

CrmCustomFieldDefs *
crm_custom_field_defs_get_for_session (CrmSession *session,
                                       const char *entity)
{
  g_autofree char *name = g_strconcat ("crm-custom-field-defs-", entity, NULL);
  CrmCustomFieldDefs *self = g_object_get_data (G_OBJECT (session), name);

  if (self == NULL)
    {
      self = crm_custom_field_defs_new (session, entity);
      g_object_set_data_full (G_OBJECT (session), name, self, g_object_unref);
    }
  return self;
}

gboolean
crm_custom_field_defs_is_loaded (CrmCustomFieldDefs *self)
{
  return self->loaded;
}

guint
crm_custom_field_defs_get_generation (CrmCustomFieldDefs *self)
{
  return self->generation;
}

guint
crm_custom_field_defs_get_n (CrmCustomFieldDefs *self)
{
  return self->defs->len;
}

const CrmCustomFieldDef *
crm_custom_field_defs_get (CrmCustomFieldDefs *self,
                           guint               i)
{
  g_return_val_if_fail (i < self->defs->len, NULL);
  return g_ptr_array_index (self->defs, i);
}

const CrmCustomFieldDef *
crm_custom_field_defs_lookup (CrmCustomFieldDefs *self,
                              const char         *record_key)
{
  for (guint i = 0; i < self->defs->len; i++)
    {
      const CrmCustomFieldDef *def = g_ptr_array_index (self->defs, i);

      if (g_str_equal (def->record_key, record_key))
        return def;
    }
  return NULL;
}

char *
crm_custom_field_format_value (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);

      return g_strjoinv ("、", (char **) items);
    }
  /* Money is stored as whole fen (an integer); numbers always as a
   * fraction (crm-custom-fields.c keeps them apart that way). */
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return crm_money_format (g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    return g_strdup_printf ("%.15g", g_variant_get_double (value));
  return g_strdup ("");
}

static void
crm_custom_field_defs_dispose (GObject *object)
{
  CrmCustomFieldDefs *self = CRM_CUSTOM_FIELD_DEFS (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->session);

  G_OBJECT_CLASS (crm_custom_field_defs_parent_class)->dispose (object);
}

static void
crm_custom_field_defs_finalize (GObject *object)
{
  CrmCustomFieldDefs *self = CRM_CUSTOM_FIELD_DEFS (object);

  g_ptr_array_unref (self->defs);
  g_free (self->entity);

  G_OBJECT_CLASS (crm_custom_field_defs_parent_class)->finalize (object);
}

static void
crm_custom_field_defs_class_init (CrmCustomFieldDefsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_custom_field_defs_dispose;
  object_class->finalize = crm_custom_field_defs_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
crm_custom_field_defs_init (CrmCustomFieldDefs *self)
{
  self->defs = g_ptr_array_new_with_free_func ((GDestroyNotify) def_free);
}
