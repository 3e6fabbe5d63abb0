/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-filters"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-customer-filter-popover.h"
#include "crm-custom-field-defs.h"
#include "crm-messages.h"

static const struct {
  const char *key;
  const char *label;  /* N_() */
} text_filters[] = {
  { "category", N_("Category") },
  { "industry", N_("Industry") },
  { "source",   N_("Source") },
  { "region",   N_("Region") },
  { "value",    N_("Value level") },
};
#define N_TEXT_FILTERS G_N_ELEMENTS (text_filters)

/* Owner choices: 0 = anyone, 1 = me, then owner_ids[i - 2]. */
#define OWNER_ANYONE 0
#define OWNER_ME 1

struct _CrmCustomerFilterPopover
{
  GtkPopover     parent_instance;

  GtkGrid       *grid;
  GtkStringList *owner_choices;
  GtkEditable   *entries[N_TEXT_FILTERS];
  GtkDropDown   *owner_dropdown;

  CrmSession    *session;
  GCancellable  *cancellable;
  GArray        *owner_ids;   /* gint64 */
  gboolean       owners_loaded;
  GVariant      *filters;     /* applied, a{sv} */
  guint          n_active;

  CrmCustomFieldDefs *defs;
  GPtrArray     *custom;      /* CustomFilter */
};

/* A choice or multi-choice custom field: a drop-down of "Any" and its
 * choices.  The server filters by containment (a multi-choice record
 * matches when it holds the chosen value among others). */
typedef struct {
  char        *record_key;
  gboolean     multi;
  GStrv        choices;
  GtkWidget   *label;
  GtkDropDown *dropdown;
} CustomFilter;

static void
custom_filter_free (CustomFilter *cf)
{
  g_free (cf->record_key);
  g_strfreev (cf->choices);
  g_free (cf);
}

#define CUSTOM_FIRST_ROW ((int) N_TEXT_FILTERS + 1)

G_DEFINE_FINAL_TYPE (CrmCustomerFilterPopover, crm_customer_filter_popover, GTK_TYPE_POPOVER)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CrmCustomerFilterPopover *self = CRM_CUSTOMER_FILTER_POPOVER (widget);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint owner = gtk_drop_down_get_selected (self->owner_dropdown);
  gint64 owner_id = 0;
  guint n = 0;

  for (gsize i = 0; i < N_TEXT_FILTERS; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (self->entries[i])));

      if (*text)
        {
          g_variant_builder_add (&builder, "{sv}", text_filters[i].key, g_variant_new_string (text));
          n++;
        }
    }
  if (owner == OWNER_ME && self->session)
    owner_id = crm_session_get_user_id (self->session);
  else if (owner >= 2 && owner - 2 < self->owner_ids->len)
    owner_id = g_array_index (self->owner_ids, gint64, owner - 2);
  if (owner_id > 0)
    {
      g_variant_builder_add (&builder, "{sv}", "owner_id", g_variant_new_int64 (owner_id));
      n++;
    }
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomFilter *cf = g_ptr_array_index (self->custom, i);
      guint selected = gtk_drop_down_get_selected (cf->dropdown);
      const char *choice;

      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
          selected > g_strv_length (cf->choices))
        continue;
      choice = cf->choices[selected - 1];
      if (cf->multi)
        g_variant_builder_add (&builder, "{sv}", cf->record_key, g_variant_new_strv (&choice, 1));
      else
        g_variant_builder_add (&builder, "{sv}", cf->record_key, g_variant_new_string (choice));
      n++;
    }

  g_clear_pointer (&self->filters, g_variant_unref);
  self->filters = g_variant_ref_sink (g_variant_builder_end (&builder));
  self->n_active = n;
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CrmCustomerFilterPopover *self = CRM_CUSTOMER_FILTER_POPOVER (widget);

  for (gsize i = 0; i < N_TEXT_FILTERS; i++)
    gtk_editable_set_text (self->entries[i], "");
  gtk_drop_down_set_selected (self->owner_dropdown, OWNER_ANYONE);
  for (guint i = 0; i < self->custom->len; i++)
    gtk_drop_down_set_selected (((CustomFilter *) g_ptr_array_index (self->custom, i))->dropdown, 0);
  apply_action (widget, "filters.apply", NULL);
}

static void
users_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmCustomerFilterPopover) self = user_data;
  g_autoptr(GVariant) users = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  GVariant *user;

  users = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (users == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("owners not listed: %s", error->message);
          self->owners_loaded = FALSE;
        }
      return;
    }
  g_variant_iter_init (&iter, users);
  while ((user = g_variant_iter_next_value (&iter)))
    {
      const char *login = "", *display_name = "";
      gint64 id = 0;
      gboolean disabled = FALSE;

      g_variant_lookup (user, "id", "x", &id);
      g_variant_lookup (user, "login", "&s", &login);
      g_variant_lookup (user, "display_name", "&s", &display_name);
      g_variant_lookup (user, "disabled", "b", &disabled);
      if (id > 0 && !disabled)
        {
          g_autofree char *label = g_strdup_printf ("%s (%s)", display_name, login);

          gtk_string_list_append (self->owner_choices, label);
          g_array_append_val (self->owner_ids, id);
        }
      g_variant_unref (user);
    }
}

/* The accounts are listed when the popover first opens, and only for users
 * who may list accounts; others choose between anyone and themselves. */
static void
crm_customer_filter_popover_show (GtkWidget *widget)
{
  CrmCustomerFilterPopover *self = CRM_CUSTOMER_FILTER_POPOVER (widget);

  GTK_WIDGET_CLASS (crm_customer_filter_popover_parent_class)->show (widget);

  if (self->owners_loaded || self->session == NULL ||
      !crm_session_has_permission (self->session, "user.view"))
    return;
  self->owners_loaded = TRUE;
  crm_session_call_async (self->session, CRM_MSG_USER_LIST, NULL, self->cancellable, users_cb,
                          g_object_ref (self));
}

static CustomFilter *
custom_find (CrmCustomerFilterPopover *self,
             const char               *record_key)
{
  for (guint i = 0; self->custom && i < self->custom->len; i++)
    {
      CustomFilter *cf = g_ptr_array_index (self->custom, i);

      if (g_str_equal (cf->record_key, record_key))
        return cf;
    }
  return NULL;
}

/* The choice and multi-choice fields changed: the rows follow, keeping
 * what the user had chosen in the fields that remain. */
static void
on_defs_changed (CrmCustomerFilterPopover *self)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int row = CUSTOM_FIRST_ROW;

  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomFilter *cf = g_ptr_array_index (self->custom, i);
      guint selected = gtk_drop_down_get_selected (cf->dropdown);

      if (selected > 0 && selected != GTK_INVALID_LIST_POSITION &&
          selected <= g_strv_length (cf->choices))
        g_hash_table_insert (chosen, g_strdup (cf->record_key), g_strdup (cf->choices[selected - 1]));
      gtk_grid_remove (self->grid, cf->label);
      gtk_grid_remove (self->grid, GTK_WIDGET (cf->dropdown));
    }
  g_ptr_array_set_size (self->custom, 0);

  for (guint d = 0; d < crm_custom_field_defs_get_n (self->defs); d++)
    {
      const CrmCustomFieldDef *def = crm_custom_field_defs_get (self->defs, d);
      g_autoptr(GtkStringList) list = NULL;
      const char *was;
      CustomFilter *cf;

      if (def->retired || (def->type != CRM_CUSTOM_FIELD_CHOICE &&
                           def->type != CRM_CUSTOM_FIELD_MULTI_CHOICE))
        continue;
      cf = g_new0 (CustomFilter, 1);
      cf->record_key = g_strdup (def->record_key);
      cf->multi = def->type == CRM_CUSTOM_FIELD_MULTI_CHOICE;
      cf->choices = g_strdupv (def->choices);
      cf->label = gtk_label_new (def->label);
      gtk_label_set_xalign (GTK_LABEL (cf->label), 1);
      list = gtk_string_list_new (NULL);
      gtk_string_list_append (list, _("Any"));
      for (guint i = 0; cf->choices[i]; i++)
        gtk_string_list_append (list, cf->choices[i]);
      cf->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL));
      if (cf->multi)
        gtk_widget_set_tooltip_text (GTK_WIDGET (cf->dropdown),
                                     _("Customers whose choices include this one"));
      was = g_hash_table_lookup (chosen, cf->record_key);
      for (guint i = 0; was && cf->choices[i]; i++)
        if (g_str_equal (cf->choices[i], was))
          gtk_drop_down_set_selected (cf->dropdown, i + 1);
      gtk_grid_attach (self->grid, cf->label, 0, row, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (cf->dropdown), 1, row, 1, 1);
      row++;
      g_ptr_array_add (self->custom, cf);
    }
}

void
crm_customer_filter_popover_set_session (CrmCustomerFilterPopover *self,
                                         CrmSession               *session)
{
  g_return_if_fail (CRM_IS_CUSTOMER_FILTER_POPOVER (self));

  g_set_object (&self->session, session);
  if (self->defs)
    g_signal_handlers_disconnect_by_data (self->defs, self);
  g_clear_object (&self->defs);
  if (session == NULL)
    return;
  self->defs = g_object_ref (crm_custom_field_defs_get_for_session (session, "customer"));
  g_signal_connect_object (self->defs, "changed", G_CALLBACK (on_defs_changed), self,
                           G_CONNECT_SWAPPED);
  on_defs_changed (self);
}

GtkDropDown *
crm_customer_filter_popover_get_custom_dropdown (CrmCustomerFilterPopover *self,
                                                 const char               *record_key)
{
  CustomFilter *cf = custom_find (self, record_key);

  return cf ? cf->dropdown : NULL;
}

GVariant *
crm_customer_filter_popover_get_filters (CrmCustomerFilterPopover *self)
{
  return self->filters;
}

guint
crm_customer_filter_popover_get_n_active (CrmCustomerFilterPopover *self)
{
  return self->n_active;
}

GtkEditable *
crm_customer_filter_popover_get_entry (CrmCustomerFilterPopover *self,
                                       const char               *key)
{
  for (gsize i = 0; i < N_TEXT_FILTERS; i++)
    if (g_str_equal (text_filters[i].key, key))
      return self->entries[i];
  return NULL;
}

guint
crm_customer_filter_popover_get_n_owners (CrmCustomerFilterPopover *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->owner_choices));
}

static void
crm_customer_filter_popover_dispose (GObject *object)
{
  CrmCustomerFilterPopover *self = CRM_CUSTOMER_FILTER_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  if (self->defs)
    g_signal_handlers_disconnect_by_data (self->defs, self);
  g_clear_object (&self->defs);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_FILTER_POPOVER);

  G_OBJECT_CLASS (crm_customer_filter_popover_parent_class)->dispose (object);
}

static void
crm_customer_filter_popover_finalize (GObject *object)
{
  CrmCustomerFilterPopover *self = CRM_CUSTOMER_FILTER_POPOVER (object);

  g_array_unref (self->owner_ids);
  g_ptr_array_unref (self->custom);
  g_clear_pointer (&self->filters, g_variant_unref);

  G_OBJECT_CLASS (crm_customer_filter_popover_parent_class)->finalize (object);
}

static void
crm_customer_filter_popover_class_init (CrmCustomerFilterPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_filter_popover_dispose;
  object_class->finalize = crm_customer_filter_popover_finalize;
  widget_class->show = crm_customer_filter_popover_show;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/crm-customer-filter-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerFilterPopover, grid);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerFilterPopover, owner_choices);

  gtk_widget_class_install_action (widget_class, "filters.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "filters.clear", NULL, clear_action);
}

static void
crm_customer_filter_popover_init (CrmCustomerFilterPopover *self)
{
  GtkWidget *label;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (gsize i = 0; i < N_TEXT_FILTERS; i++)
    {
      GtkWidget *entry = gtk_entry_new ();

      label = gtk_label_new (_(text_filters[i].label));
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_grid_attach (self->grid, label, 0, (int) i, 1, 1);
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Any"));
      gtk_widget_set_tooltip_text (entry, _("Exact value; leave empty for any"));
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_grid_attach (self->grid, entry, 1, (int) i, 1, 1);
      self->entries[i] = GTK_EDITABLE (entry);
    }
  label = gtk_label_new (_("Owner"));
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_grid_attach (self->grid, label, 0, (int) N_TEXT_FILTERS, 1, 1);
  self->owner_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->owner_choices)), NULL));
  gtk_grid_attach (self->grid, GTK_WIDGET (self->owner_dropdown), 1, (int) N_TEXT_FILTERS, 1, 1);

  self->owner_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->custom = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_filter_free);
  self->cancellable = g_cancellable_new ();
  self->filters = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}
