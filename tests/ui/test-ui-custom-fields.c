/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-custom-fields"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "crm-application.h"
#include "crm-customer-columns.h"
#include "crm-customer-filter-popover.h"
#include "crm-customer-form.h"
#include "crm-customer-list-view.h"
#include "crm-customer-page.h"
#include "crm-customer-row.h"
#include "crm-messages.h"
#include "crm-sign-in-window.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"
#include "crm-window.h"

/*
 * Custom fields in the real client (issue 4), against a real crm-server:
 * an administrator (a second connection, as crmctl would) adds a choice
 * field and a text field while the user is signed in; the customer form
 * offers them, a customer is saved with them, the list shows them in a
 * column, the filter popover filters by the choice, the quick search finds
 * the text; the administrator renames the choice field (labels change
 * live) and retires the text field (no longer offered; an existing value
 * stays visible, read-only).  Screenshots of every step.
 */

#define WAIT_S 30
#define CUSTOMER_NAME "杭州云栖测绘有限公司"
#define OTHER_NAME "杭州西溪测绘有限公司"
#define WECHAT "wxid_k9t4q2"

static CrmTestServer  *server;
static CrmApplication *app;
static CrmConnection  *admin;
static char           *tmp_dir;
static gint64          grade_id;
static gint64          wechat_id;
static gint64          customer_id;

static const char *const grades[] = { "A级", "B级", "C级", NULL };

/* Taken right after a frame is painted: the window's render nodes are
 * current then (a list reloading after a push, or any redraw, drops them
 * until the next frame). */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  crm_ui_test_screenshot (widget, "custom-fields-", name, 300, TRUE);
}

static CrmWindow *
main_window (void)
{
  return crm_ui_test_main_window (app);
}

static CrmCustomerListView *
view (void)
{
  return crm_ui_test_customer_view (app);
}

static CrmCustomerForm *
form (void)
{
  return crm_customer_list_view_get_form (view ());
}

static gboolean
view_idle (gpointer data)
{
  return !crm_customer_list_view_is_busy (view ());
}

static gboolean
detail_is (gpointer data)
{
  return view_idle (NULL) &&
         g_str_equal (crm_customer_list_view_get_detail_mode (view ()), (const char *) data);
}

/* custom_field.save as the administrator; returns the field's id. */
static gint64
save_field (GVariant *fields)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  gint64 id = 0;

  reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOM_FIELD_SAVE,
                                    g_variant_new ("(s@a{sv})", key, fields), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(x)", &id);
  return id;
}

static GVariant *
server_record (gint64 id)
{
  g_autoptr(GError) error = NULL;
  GVariant *record = crm_connection_call_sync (admin, CRM_MSG_CUSTOMER_GET,
                                               g_variant_new ("(x)", id), NULL, &error);

  g_assert_no_error (error);
  return record;
}

/* TRUE when a label under `widget` shows `text`. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

static GtkColumnViewColumn *
find_column (const char *key)
{
  GListModel *columns = gtk_column_view_get_columns (crm_customer_list_view_get_column_view (view ()));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "crm-key"), key) == 0)
        return column;
    }
  return NULL;
}

/* ---- the steps ---------------------------------------------------------- */

static void
test_sign_in (void)
{
  CrmSignInWindow *window;
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));

  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (crm_application_get_sign_in_window (app));
  window = CRM_SIGN_IN_WINDOW (crm_application_get_sign_in_window (app));
  crm_ui_test_fill_sign_in (window, address, "admin", crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_true (crm_sign_in_window_is_asking_trust (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_nonnull (main_window ());
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
}

static gboolean
form_offers (gpointer data)
{
  return crm_customer_form_get_custom_input (form (), data) != NULL;
}

/* Defined while the user is signed in: the settings push brings them. */
static void
test_fields_appear_live (void)
{
  g_auto(GVariantDict) grade = G_VARIANT_DICT_INIT (NULL);
  g_auto(GVariantDict) wechat = G_VARIANT_DICT_INIT (NULL);

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.new", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_null (crm_customer_form_get_custom_input (form (), "cf.grade"));

  g_variant_dict_insert (&grade, "entity", "s", "customer");
  g_variant_dict_insert (&grade, "key", "s", "grade");
  g_variant_dict_insert (&grade, "label", "s", "信用等级");
  g_variant_dict_insert (&grade, "type", "s", "choice");
  g_variant_dict_insert (&grade, "choices", "^as", grades);
  grade_id = save_field (g_variant_dict_end (&grade));
  g_variant_dict_insert (&wechat, "entity", "s", "customer");
  g_variant_dict_insert (&wechat, "key", "s", "wechat");
  g_variant_dict_insert (&wechat, "label", "s", "微信号");
  g_variant_dict_insert (&wechat, "type", "s", "text");
  wechat_id = save_field (g_variant_dict_end (&wechat));

  g_assert_true (crm_ui_test_wait_for (form_offers, (gpointer) "cf.grade", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (form_offers, (gpointer) "cf.wechat", WAIT_S));
  g_assert_true (GTK_IS_DROP_DOWN (crm_customer_form_get_custom_input (form (), "cf.grade")));
  g_assert_true (GTK_IS_ENTRY (crm_customer_form_get_custom_input (form (), "cf.wechat")));
  g_assert_cmpstr (crm_customer_form_get_custom_label (form (), "cf.grade"), ==, "信用等级");
  g_assert_cmpstr (crm_customer_form_get_custom_label (form (), "cf.wechat"), ==, "微信号");
  /* The filter popover offers the choice field, not the text field. */
  g_assert_nonnull (crm_customer_filter_popover_get_custom_dropdown (
    CRM_CUSTOMER_FILTER_POPOVER (crm_customer_list_view_get_filter_popover (view ())), "cf.grade"));
  g_assert_null (crm_customer_filter_popover_get_custom_dropdown (
    CRM_CUSTOMER_FILTER_POPOVER (crm_customer_list_view_get_filter_popover (view ())), "cf.wechat"));
  screenshot (GTK_WIDGET (main_window ()), "form-offers-fields");
}

static void
test_fill_and_save (void)
{
  GtkDropDown *grade = GTK_DROP_DOWN (crm_customer_form_get_custom_input (form (), "cf.grade"));
  g_autoptr(GVariant) record = NULL;
  const char *value = NULL;

  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "name"), CUSTOMER_NAME);
  /* Item 0 is "(none)"; then the choices in order. */
  gtk_drop_down_set_selected (grade, 1);
  crm_ui_test_type_text (GTK_EDITABLE (crm_customer_form_get_custom_input (form (), "cf.wechat")),
                         WECHAT);
  screenshot (GTK_WIDGET (main_window ()), "form-filled");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));

  customer_id = crm_customer_page_get_id (crm_customer_list_view_get_page (view ()));
  g_assert_cmpint (customer_id, >, 0);
  /* The customer's page shows the custom fields too. */
  g_assert_true (shows_label (GTK_WIDGET (crm_customer_list_view_get_page (view ())), "信用等级"));
  g_assert_true (shows_label (GTK_WIDGET (crm_customer_list_view_get_page (view ())), "A级"));
  g_assert_true (shows_label (GTK_WIDGET (crm_customer_list_view_get_page (view ())), WECHAT));
  screenshot (GTK_WIDGET (main_window ()), "page-shows-fields");
  record = server_record (customer_id);
  g_assert_true (g_variant_lookup (record, "cf.grade", "&s", &value));
  g_assert_cmpstr (value, ==, "A级");
  g_assert_true (g_variant_lookup (record, "cf.wechat", "&s", &value));
  g_assert_cmpstr (value, ==, WECHAT);
}

static void
add_field (const char *key,
           const char *label,
           const char *type,
           const char * const *choices)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, "entity", "s", "customer");
  g_variant_dict_insert (&d, "key", "s", key);
  g_variant_dict_insert (&d, "label", "s", label);
  g_variant_dict_insert (&d, "type", "s", type);
  if (choices)
    g_variant_dict_insert (&d, "choices", "^as", choices);
  save_field (g_variant_dict_end (&d));
}

/* One widget per type; each value reaches the server in its own type. */
static void
test_every_type (void)
{
  static const char *const tags[] = { "外贸", "政府", "上市", NULL };
  GtkWidget *flow;
  GtkWidget *check;
  g_autoptr(GVariant) record = NULL;
  g_autofree const char **chosen = NULL;
  const char *text = NULL;
  double number = 0;
  gint64 fen = 0;
  gint64 id;

  add_field ("score", "评分", "number", NULL);
  add_field ("deposit", "保证金", "money", NULL);
  add_field ("visit_on", "回访日期", "date", NULL);
  add_field ("tags", "标签", "multi_choice", tags);
  add_field ("fax", "传真", "phone", NULL);
  add_field ("mail", "对接邮箱", "email", NULL);

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.new", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (form_offers, (gpointer) "cf.mail", WAIT_S));
  g_assert_true (GTK_IS_ENTRY (crm_customer_form_get_custom_input (form (), "cf.score")));
  g_assert_true (GTK_IS_ENTRY (crm_customer_form_get_custom_input (form (), "cf.deposit")));
  g_assert_true (GTK_IS_ENTRY (crm_customer_form_get_custom_input (form (), "cf.visit_on")));
  g_assert_true (GTK_IS_FLOW_BOX (crm_customer_form_get_custom_input (form (), "cf.tags")));
  g_assert_true (GTK_IS_ENTRY (crm_customer_form_get_custom_input (form (), "cf.fax")));

  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "name"), "类型齐全测试有限公司");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.score"), "十二");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.deposit"), "1,200.50");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.visit_on"), "2026-02-30");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.fax"), "12");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.mail"), "zhang@");
  flow = crm_customer_form_get_custom_input (form (), "cf.tags");
  for (GtkWidget *child = gtk_widget_get_first_child (flow); child; child = gtk_widget_get_next_sibling (child))
    {
      check = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (g_str_equal (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), "外贸") ||
          g_str_equal (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), "上市"))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
    }

  /* Every bad value is shown at its field; nothing is sent. */
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  crm_ui_test_settle (100);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  g_assert_nonnull (crm_customer_form_get_error (form (), "cf.score"));
  g_assert_null (crm_customer_form_get_error (form (), "cf.deposit"));
  g_assert_nonnull (crm_customer_form_get_error (form (), "cf.visit_on"));
  g_assert_nonnull (crm_customer_form_get_error (form (), "cf.fax"));
  g_assert_nonnull (crm_customer_form_get_error (form (), "cf.mail"));
  screenshot (GTK_WIDGET (main_window ()), "every-type-invalid");

  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.score"), "12.5");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.visit_on"), "2026-12-01");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.fax"), "010-62345678");
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "cf.mail"), "zhang@example.cn");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));

  id = crm_customer_page_get_id (crm_customer_list_view_get_page (view ()));
  record = server_record (id);
  g_assert_true (g_variant_lookup (record, "cf.score", "d", &number));
  g_assert_cmpfloat (number, ==, 12.5);
  g_assert_true (g_variant_lookup (record, "cf.deposit", "x", &fen));
  g_assert_cmpint (fen, ==, 120050);
  g_assert_true (g_variant_lookup (record, "cf.visit_on", "&s", &text));
  g_assert_cmpstr (text, ==, "2026-12-01");
  g_assert_true (g_variant_lookup (record, "cf.tags", "^a&s", &chosen));
  g_assert_cmpuint (g_strv_length ((char **) chosen), ==, 2);
  g_assert_true (g_strv_contains (chosen, "外贸") && g_strv_contains (chosen, "上市"));
  g_assert_true (g_variant_lookup (record, "cf.fax", "&s", &text));
  g_assert_cmpstr (text, ==, "010-62345678");

  /* Edited again, the form shows what was stored, in the form it was typed. */
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_cmpstr (gtk_editable_get_text (crm_customer_form_get_entry (form (), "cf.score")), ==, "12.5");
  g_assert_cmpstr (gtk_editable_get_text (crm_customer_form_get_entry (form (), "cf.deposit")), ==, "1200.50");
  screenshot (GTK_WIDGET (main_window ()), "every-type-edit");
  /* Nothing changed: nothing to send. */
  {
    g_autoptr(GVariant) changes = g_variant_ref_sink (crm_customer_form_build_fields (form ()));

    g_assert_cmpuint (g_variant_n_children (changes), ==, 0);
  }
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.cancel", NULL);
}

static gboolean
budget_gone (gpointer data)
{
  return crm_customer_form_get_custom_input (form (), "cf.budget") == NULL;
}

/* A required field, and a bad value, are refused at the field before
 * anything is sent; a retired field leaves the form at once. */
static void
test_required_and_invalid (void)
{
  g_auto(GVariantDict) score = G_VARIANT_DICT_INIT (NULL);
  gint64 score_id;
  GtkEditable *entry;

  g_variant_dict_insert (&score, "entity", "s", "customer");
  g_variant_dict_insert (&score, "key", "s", "budget");
  g_variant_dict_insert (&score, "label", "s", "预算");
  g_variant_dict_insert (&score, "type", "s", "money");
  g_variant_dict_insert (&score, "required", "b", TRUE);
  score_id = save_field (g_variant_dict_end (&score));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.new", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (form_offers, (gpointer) "cf.budget", WAIT_S));
  g_assert_true (g_str_has_suffix (crm_customer_form_get_custom_label (form (), "cf.budget"), "*"));

  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "name"), "校验测试公司");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  crm_ui_test_settle (100);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  g_assert_cmpstr (crm_customer_form_get_error (form (), "cf.budget"), ==, _("This field is required"));

  entry = crm_customer_form_get_entry (form (), "cf.budget");
  crm_ui_test_type_text (entry, "12.345");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  crm_ui_test_settle (100);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  g_assert_nonnull (crm_customer_form_get_error (form (), "cf.budget"));
  screenshot (GTK_WIDGET (main_window ()), "form-invalid-money");

  /* Retired while the form is open: the form follows. */
  {
    g_auto(GVariantDict) change = G_VARIANT_DICT_INIT (NULL);

    g_variant_dict_insert (&change, "id", "x", score_id);
    g_variant_dict_insert (&change, "retired", "b", TRUE);
    save_field (g_variant_dict_end (&change));
  }
  g_assert_true (crm_ui_test_wait_for (budget_gone, NULL, WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.cancel", NULL);
}

static gboolean
search_shows (gpointer data)
{
  GListModel *model = crm_customer_list_view_get_shown_model (view ());
  guint n = g_list_model_get_n_items (model);

  if (!view_idle (NULL) || CRM_IS_CUSTOMER_LIST_MODEL (model))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (model, i);

      if (crm_customer_row_get_id (row) == (gint64) GPOINTER_TO_SIZE (data))
        return TRUE;
    }
  return FALSE;
}

static void
test_list_column (void)
{
  GtkColumnViewColumn *column = find_column ("cf.grade");
  GListModel *model;
  g_autoptr(CrmCustomerRow) row = NULL;
  g_autofree char *shown = NULL;

  /* Hidden until the user shows it from the header menu. */
  g_assert_nonnull (column);
  g_assert_false (gtk_column_view_column_get_visible (column));
  g_assert_null (gtk_column_view_column_get_sorter (column));
  g_assert_true (crm_customer_columns_set_visible (crm_customer_list_view_get_column_view (view ()),
                                                   "cf.grade", TRUE));
  g_assert_true (gtk_column_view_column_get_visible (column));
  g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, "信用等级");
  /* Built-in columns hide the same way (room for the custom one). */
  for (guint i = 0; i < 6; i++)
    {
      const char *keys[] = { "category", "industry", "region", "value", "phones", "owner" };

      g_assert_true (crm_customer_columns_set_visible (crm_customer_list_view_get_column_view (view ()),
                                                       keys[i], FALSE));
      g_assert_false (gtk_column_view_column_get_visible (find_column (keys[i])));
    }
  /* The choice is remembered with the column order: hidden built-ins as
   * "-key", the custom column by its key. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("cn.jinke.Crm");
    g_auto(GStrv) order = g_settings_get_strv (settings, "customer-columns");

    g_assert_true (g_strv_contains ((const char * const *) order, "cf.grade"));
    g_assert_true (g_strv_contains ((const char * const *) order, "-industry"));
    g_assert_true (g_strv_contains ((const char * const *) order, "name"));
  }
  /* Every header's menu lists the custom field under its own section. */
  {
    GMenuModel *menu = gtk_column_view_column_get_header_menu (column);
    gboolean listed = FALSE;

    g_assert_nonnull (menu);
    for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
      {
        g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

        for (int j = 0; section && j < g_menu_model_get_n_items (section); j++)
          {
            g_autofree char *label = NULL;

            if (g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &label) &&
                g_str_equal (label, "信用等级"))
              listed = TRUE;
          }
      }
    g_assert_true (listed);
  }
  /* The name column cannot be hidden. */
  g_assert_false (crm_customer_columns_set_visible (crm_customer_list_view_get_column_view (view ()),
                                                    "name", FALSE));

  /* The customer, found by name, carries the value the cell shows. */
  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "云栖测绘");
  g_assert_true (crm_ui_test_wait_for (search_shows, GSIZE_TO_POINTER (customer_id), WAIT_S));
  model = crm_customer_list_view_get_shown_model (view ());
  row = g_list_model_get_item (model, 0);
  {
    GVariant *record = crm_customer_row_get_record (row);
    g_autoptr(GVariant) value = g_variant_lookup_value (record, "cf.grade", NULL);

    shown = crm_custom_field_format_value (value);
  }
  g_assert_cmpstr (shown, ==, "A级");
  screenshot (GTK_WIDGET (main_window ()), "list-column");
}

static gboolean
list_exact (gpointer data)
{
  CrmCustomerListModel *model = crm_customer_list_view_get_list_model (view ());

  return view_idle (NULL) && crm_customer_list_model_get_exact (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == GPOINTER_TO_UINT (data);
}

static gboolean
cleared_search (gpointer data)
{
  return view_idle (NULL) &&
         CRM_IS_CUSTOMER_LIST_MODEL (crm_customer_list_view_get_shown_model (view ()));
}

static void
test_filter_by_choice (void)
{
  CrmCustomerFilterPopover *popover =
    CRM_CUSTOMER_FILTER_POPOVER (crm_customer_list_view_get_filter_popover (view ()));
  CrmCustomerListModel *model = crm_customer_list_view_get_list_model (view ());
  g_autoptr(CrmCustomerRow) row = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_new_idempotency_key ();

  /* A second customer of another grade: the filter must leave it out. */
  reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOMER_CREATE,
                                    g_variant_new_parsed ("(%s, {'name': <%s>, 'cf.grade': <'B级'>})",
                                                          key, OTHER_NAME),
                                    NULL, &error);
  g_assert_no_error (error);

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "");
  g_assert_true (crm_ui_test_wait_for (cleared_search, NULL, WAIT_S));
  gtk_popover_popup (GTK_POPOVER (popover));
  gtk_drop_down_set_selected (crm_customer_filter_popover_get_custom_dropdown (popover, "cf.grade"), 1);
  screenshot (gtk_popover_get_child (GTK_POPOVER (popover)), "filter-popover");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.apply-filters", NULL);

  g_assert_true (crm_ui_test_wait_for (list_exact, GUINT_TO_POINTER (1), WAIT_S));
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (crm_customer_row_get_id (row), ==, customer_id);
  screenshot (GTK_WIDGET (main_window ()), "filtered-by-grade");

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.clear-filters", NULL);
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 1);
}

static void
test_quick_search_by_text (void)
{
  /* Typed as the user would: part of the WeChat id (in no name). */
  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "k9t4q2");
  g_assert_true (crm_ui_test_wait_for (search_shows, GSIZE_TO_POINTER (customer_id), WAIT_S));
  screenshot (GTK_WIDGET (main_window ()), "search-by-wechat");
  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "");
  g_assert_true (crm_ui_test_wait_for (cleared_search, NULL, WAIT_S));
}

typedef struct {
  const char *key;
  const char *label;
} LabelWait;

static gboolean
labels_are (gpointer data)
{
  LabelWait *wait = data;
  GtkColumnViewColumn *column = find_column (wait->key);
  CrmCustomerFilterPopover *popover =
    CRM_CUSTOMER_FILTER_POPOVER (crm_customer_list_view_get_filter_popover (view ()));

  return g_strcmp0 (crm_customer_form_get_custom_label (form (), wait->key), wait->label) == 0 &&
         column != NULL && g_strcmp0 (gtk_column_view_column_get_title (column), wait->label) == 0 &&
         crm_customer_filter_popover_get_custom_dropdown (popover, wait->key) != NULL;
}

static void
test_rename_live (void)
{
  g_auto(GVariantDict) change = G_VARIANT_DICT_INIT (NULL);
  LabelWait wait = { "cf.grade", "客户等级" };
  g_autoptr(GVariant) record = NULL;
  const char *value = NULL;

  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_variant_dict_insert (&change, "id", "x", grade_id);
  g_variant_dict_insert (&change, "label", "s", wait.label);
  save_field (g_variant_dict_end (&change));

  g_assert_true (crm_ui_test_wait_for (labels_are, &wait, WAIT_S));
  /* The key did not change: the value is still there, in the form too. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (crm_customer_form_get_custom_input (form (), "cf.grade"))), ==, 1);
  record = server_record (customer_id);
  g_assert_true (g_variant_lookup (record, "cf.grade", "&s", &value));
  g_assert_cmpstr (value, ==, "A级");
  screenshot (GTK_WIDGET (main_window ()), "renamed-live");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.cancel", NULL);
}

static gboolean
wechat_retired (gpointer data)
{
  return find_column ("cf.wechat") == NULL &&
         crm_customer_form_custom_is_read_only (form (), "cf.wechat");
}

static gboolean
grade_read_only (gpointer data)
{
  return crm_customer_form_custom_is_read_only (form (), "cf.grade");
}

static gboolean
wechat_not_offered (gpointer data)
{
  return crm_customer_form_get_custom_input (form (), "cf.wechat") == NULL;
}

static void
test_retire (void)
{
  GtkEditable *entry;

  /* While editing the customer that holds a value. */
  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_false (crm_customer_form_custom_is_read_only (form (), "cf.wechat"));
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *key = crm_new_idempotency_key ();
    g_autoptr(GVariant) reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOM_FIELD_RETIRE,
                                                          g_variant_new ("(sx)", key, wechat_id),
                                                          NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (crm_ui_test_wait_for (wechat_retired, NULL, WAIT_S));
  entry = crm_customer_form_get_entry (form (), "cf.wechat");
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, WECHAT);
  g_assert_false (gtk_editable_get_editable (entry));
  screenshot (GTK_WIDGET (main_window ()), "retired-read-only");

  /* Saving the edit does not send the retired field (the server would
   * refuse it). */
  crm_ui_test_type_text (crm_customer_form_get_entry (form (), "short_name"), "云栖测绘");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  {
    g_autoptr(GVariant) record = server_record (customer_id);
    const char *value = NULL;

    g_assert_true (g_variant_lookup (record, "cf.wechat", "&s", &value));
    g_assert_cmpstr (value, ==, WECHAT);
    g_assert_true (g_variant_lookup (record, "short_name", "&s", &value));
    g_assert_cmpstr (value, ==, "云栖测绘");
  }

  /* A new customer is not offered the retired field. */
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.new", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (wechat_not_offered, NULL, WAIT_S));
  g_assert_nonnull (crm_customer_form_get_custom_input (form (), "cf.grade"));
  screenshot (GTK_WIDGET (main_window ()), "retired-not-offered");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.cancel", NULL);

  /* A retired choice field: its stored value shows as text. */
  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "form", WAIT_S));
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *key = crm_new_idempotency_key ();
    g_autoptr(GVariant) reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOM_FIELD_RETIRE,
                                                          g_variant_new ("(sx)", key, grade_id),
                                                          NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (crm_ui_test_wait_for (grade_read_only, NULL, WAIT_S));
  g_assert_cmpstr (gtk_editable_get_text (crm_customer_form_get_entry (form (), "cf.grade")), ==, "A级");
  g_assert_null (find_column ("cf.grade"));
  g_assert_null (crm_customer_filter_popover_get_custom_dropdown (
    CRM_CUSTOMER_FILTER_POPOVER (crm_customer_list_view_get_filter_popover (view ())), "cf.grade"));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.cancel", NULL);
}

/* ---- setup -------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-ui-cf-XXXXXX");
  server = crm_ui_test_start_server ("--demo-data 300");
  if (server == NULL)
    return g_test_run ();
  /* A blinking cursor redraws its entry (dropping the window's cached
   * render node) at any moment, also just before a screenshot. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  admin = crm_ui_test_connect_admin (server);
  app = crm_ui_test_new_application ();

  g_test_add_func ("/ui/custom-fields/sign-in", test_sign_in);
  g_test_add_func ("/ui/custom-fields/appear-live", test_fields_appear_live);
  g_test_add_func ("/ui/custom-fields/fill-and-save", test_fill_and_save);
  g_test_add_func ("/ui/custom-fields/every-type", test_every_type);
  g_test_add_func ("/ui/custom-fields/required-and-invalid", test_required_and_invalid);
  g_test_add_func ("/ui/custom-fields/list-column", test_list_column);
  g_test_add_func ("/ui/custom-fields/filter-by-choice", test_filter_by_choice);
  g_test_add_func ("/ui/custom-fields/quick-search-text", test_quick_search_by_text);
  g_test_add_func ("/ui/custom-fields/rename-live", test_rename_live);
  g_test_add_func ("/ui/custom-fields/retire", test_retire);

  status = g_test_run ();

  crm_ui_test_clear_application (&app);
  crm_ui_test_clear_connection (&admin);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
