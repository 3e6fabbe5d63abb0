/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-contacts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "crm-application.h"
#include "crm-contact-form.h"
#include "crm-contacts-section.h"
#include "crm-customer-list-view.h"
#include "crm-customer-page.h"
#include "crm-followup-form.h"
#include "crm-followup-timeline.h"
#include "crm-messages.h"
#include "crm-sign-in-window.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"
#include "crm-window.h"

/*
 * Contacts and follow-ups on the customer page of the real client, against
 * a real crm-server: open a customer, add a contact (the first becomes the
 * primary one), a refused e-mail address is shown in the form and nothing
 * is written, a second contact made primary, a follow-up written; another
 * user's follow-up arrives by push.  Screenshots of every step.
 */

#define WAIT_S 30
#define CUSTOMER_NAME "苏州工业园区恒达精密机械有限公司"

static CrmTestServer  *server;
static CrmApplication *app;
static CrmConnection  *admin;
static char           *tmp_dir;
static gint64          customer_id;

static void
screenshot (GtkWidget *widget, const char *name)
{
  crm_ui_test_screenshot (widget, "contacts-", name, 300, FALSE);
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

static CrmContactsSection *
contacts (void)
{
  return crm_customer_page_get_contacts (crm_customer_list_view_get_page (view ()));
}

static CrmFollowupTimeline *
timeline (void)
{
  return crm_customer_page_get_followups (crm_customer_list_view_get_page (view ()));
}

static gboolean
view_idle (gpointer data)
{
  return !crm_customer_list_view_is_busy (view ());
}

static gboolean
page_shows_customer (gpointer data)
{
  return view_idle (NULL) &&
         g_str_equal (crm_customer_list_view_get_detail_mode (view ()), "page") &&
         crm_customer_page_get_id (crm_customer_list_view_get_page (view ())) == customer_id;
}

static gboolean
n_contacts_is (gpointer data)
{
  return !crm_contacts_section_is_busy (contacts ()) &&
         crm_contacts_section_get_n_contacts (contacts ()) == GPOINTER_TO_UINT (data);
}

static gboolean
n_followups_is (gpointer data)
{
  return !crm_followup_timeline_is_busy (timeline ()) &&
         crm_followup_timeline_get_n_items (timeline ()) == GPOINTER_TO_UINT (data);
}

static gboolean
contact_form_error_shown (gpointer data)
{
  CrmContactForm *form = data;

  return !crm_contact_form_is_busy (form) && crm_contact_form_get_error_text (form) != NULL;
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The contacts of the customer as the server has them (admin's view). */
static GVariant *
server_contacts (void)
{
  g_autoptr(GError) error = NULL;
  GVariant *rows = crm_connection_call_sync (admin, CRM_MSG_CONTACT_LIST,
                                             g_variant_new ("(x)", customer_id), NULL, &error);

  g_assert_no_error (error);
  return rows;
}

static char *
contact_string (GVariant *contact, const char *key)
{
  char *value = NULL;

  g_assert_true (g_variant_lookup (contact, key, "s", &value));
  return value;
}

/* ---- the steps ---------------------------------------------------------- */

static void
test_sign_in_and_open (void)
{
  CrmSignInWindow *window;
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *phones[] = { "0512-6288 1234", NULL };

  g_variant_dict_insert (&d, "name", "s", CUSTOMER_NAME);
  g_variant_dict_insert (&d, "phones", "^as", phones);
  reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOMER_CREATE,
                                    g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(xx)", &customer_id, NULL);

  g_application_activate (G_APPLICATION (app));
  window = CRM_SIGN_IN_WINDOW (crm_application_get_sign_in_window (app));
  g_assert_nonnull (window);
  crm_ui_test_fill_sign_in (window, address, "admin", crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_true (crm_sign_in_window_is_asking_trust (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_nonnull (main_window ());
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));

  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (page_shows_customer, NULL, WAIT_S));
  g_assert_true (crm_ui_test_wait_for (n_contacts_is, GUINT_TO_POINTER (0), WAIT_S));
  g_assert_true (crm_ui_test_wait_for (n_followups_is, GUINT_TO_POINTER (0), WAIT_S));
  g_assert_cmpstr (crm_contacts_section_get_status_text (contacts ()), ==, _("No contacts yet"));
  screenshot (GTK_WIDGET (main_window ()), "customer-without-contacts");
}

static void
test_add_contact (void)
{
  CrmContactForm *form;
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autofree char *name = NULL, *mobile = NULL;
  gboolean primary = FALSE;

  gtk_widget_activate_action (GTK_WIDGET (contacts ()), "contacts.add", NULL);
  form = crm_contacts_section_get_form (contacts ());
  g_assert_nonnull (form);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "name"), "王海燕");
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "title"), "采购经理");
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "mobile"), "139 1234 5678");
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "birthday"), "1986-05-20");
  screenshot (GTK_WIDGET (form), "new-contact-form");
  gtk_widget_activate_action (GTK_WIDGET (form), "contact-form.save", NULL);
  if (!crm_ui_test_wait_for (n_contacts_is, GUINT_TO_POINTER (1), WAIT_S))
    g_error ("the contact was not added: form “%s”, section “%s” n=%u busy=%d",
             form ? crm_contact_form_get_error_text (form) : "(closed)",
             crm_contacts_section_get_status_text (contacts ()), crm_contacts_section_get_n_contacts (contacts ()), crm_contacts_section_is_busy (contacts ()));
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));

  rows = server_contacts ();
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  first = g_variant_get_child_value (rows, 0);
  name = contact_string (first, "name");
  mobile = contact_string (first, "mobile");
  g_assert_cmpstr (name, ==, "王海燕");
  g_assert_cmpstr (mobile, ==, "139 1234 5678");
  /* A customer's first contact is its primary one. */
  g_assert_true (g_variant_lookup (first, "is_primary", "b", &primary));
  g_assert_true (primary);
  screenshot (GTK_WIDGET (main_window ()), "one-contact");
  screenshot (GTK_WIDGET (contacts ()), "one-contact-section");
}

static void
test_invalid_then_fixed (void)
{
  CrmContactForm *form;
  g_autoptr(GVariant) rows = NULL;

  gtk_widget_activate_action (GTK_WIDGET (contacts ()), "contacts.add", NULL);
  form = crm_contacts_section_get_form (contacts ());
  g_assert_nonnull (form);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "name"), "李强");
  crm_ui_test_type_text (crm_contact_form_get_entry (form, "email"), "li.qiang at hengda");
  gtk_widget_activate_action (GTK_WIDGET (form), "contact-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (contact_form_error_shown, form, WAIT_S));
  screenshot (GTK_WIDGET (form), "refused-email");
  /* Nothing was written; the form keeps what was typed. */
  rows = server_contacts ();
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (crm_contact_form_get_entry (form, "name")), ==, "李强");

  gtk_editable_set_text (crm_contact_form_get_entry (form, "email"), "li.qiang@hengda.com.cn");
  gtk_editable_set_text (crm_contact_form_get_entry (form, "phones"), "0512-6288 1235, 0512-6288 1236");
  gtk_widget_activate_action (GTK_WIDGET (form), "contact-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (n_contacts_is, GUINT_TO_POINTER (2), WAIT_S));
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));
  g_clear_pointer (&rows, g_variant_unref);
  rows = server_contacts ();
  {
    g_autoptr(GVariant) second = g_variant_get_child_value (rows, 1);
    g_autofree const char **phones = NULL;

    g_assert_true (g_variant_lookup (second, "phones", "^a&s", &phones));
    g_assert_cmpuint (g_strv_length ((char **) phones), ==, 2);
    g_assert_cmpstr (phones[1], ==, "0512-6288 1236");
  }
}

static gboolean
primary_is (gpointer data)
{
  g_autoptr(GVariant) first = NULL;
  const char *name = NULL;
  gboolean primary = FALSE;

  if (crm_contacts_section_is_busy (contacts ()) || crm_contacts_section_get_n_contacts (contacts ()) == 0)
    return FALSE;
  first = crm_contacts_section_get_contact (contacts (), 0);
  g_variant_lookup (first, "name", "&s", &name);
  g_variant_lookup (first, "is_primary", "b", &primary);
  return primary && g_strcmp0 (name, data) == 0;
}

static void
test_make_primary (void)
{
  g_autoptr(GVariant) second = crm_contacts_section_get_contact (contacts (), 1);
  gint64 id = 0;

  g_assert_nonnull (second);
  g_assert_true (g_variant_lookup (second, "id", "x", &id));
  gtk_widget_activate_action (GTK_WIDGET (contacts ()), "contacts.make-primary", "x", id);
  g_assert_true (crm_ui_test_wait_for (primary_is, (gpointer) "李强", WAIT_S));
  {
    g_autoptr(GVariant) rows = server_contacts ();
    guint n_primary = 0;

    for (gsize i = 0; i < g_variant_n_children (rows); i++)
      {
        g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
        gboolean primary = FALSE;

        g_variant_lookup (row, "is_primary", "b", &primary);
        n_primary += primary;
      }
    g_assert_cmpuint (n_primary, ==, 1);
  }
  screenshot (GTK_WIDGET (contacts ()), "second-made-primary");
}

static gboolean
form_offers_contacts (gpointer data)
{
  return crm_followup_form_get_n_contacts (CRM_FOLLOWUP_FORM (data)) == 2;
}

static void
test_write_followup (void)
{
  CrmFollowupForm *form;
  g_autoptr(GVariant) item = NULL;
  const char *content = NULL, *method = NULL, *next = NULL;

  gtk_widget_activate_action (GTK_WIDGET (timeline ()), "followups.write", NULL);
  form = crm_followup_timeline_get_form (timeline ());
  g_assert_nonnull (form);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  /* The customer's two contacts are offered; the visit was with 李强. */
  g_assert_true (crm_ui_test_wait_for (form_offers_contacts, form, WAIT_S));
  {
    g_autoptr(GVariant) primary = crm_contacts_section_get_contact (contacts (), 0);
    gint64 id = 0;

    g_assert_true (g_variant_lookup (primary, "id", "x", &id));
    g_assert_true (crm_followup_form_choose_contact (form, id));
  }
  crm_followup_form_set_method (form, "visit");
  crm_followup_form_set_content (form, "上门拜访，演示了新一代数控机床，客户对报价有兴趣。");
  crm_ui_test_type_text (crm_followup_form_get_next_date_entry (form), "2030-03-15");
  screenshot (GTK_WIDGET (form), "followup-form");
  gtk_widget_activate_action (GTK_WIDGET (form), "followup-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (n_followups_is, GUINT_TO_POINTER (1), WAIT_S));
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));
  item = crm_followup_timeline_get_item (timeline (), 0);
  g_assert_true (g_variant_lookup (item, "content", "&s", &content));
  g_assert_cmpstr (content, ==, "上门拜访，演示了新一代数控机床，客户对报价有兴趣。");
  g_assert_true (g_variant_lookup (item, "method", "&s", &method));
  g_assert_cmpstr (method, ==, "visit");
  g_assert_true (g_variant_lookup (item, "next_date", "&s", &next));
  g_assert_cmpstr (next, ==, "2030-03-15");
  g_assert_true (g_variant_lookup (item, "contact_name", "&s", &content));
  g_assert_cmpstr (content, ==, "李强");
  screenshot (GTK_WIDGET (timeline ()), "followup-written");
}

/* Another session writes a follow-up: the open page shows it first. */
static void
test_followup_pushed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) item = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *content = NULL;

  g_variant_dict_insert (&d, "customer_id", "x", customer_id);
  g_variant_dict_insert (&d, "method", "s", "phone");
  g_variant_dict_insert (&d, "content", "s", "电话确认样机发货时间");
  reply = crm_connection_call_sync (admin, CRM_MSG_FOLLOWUP_CREATE,
                                    g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (crm_ui_test_wait_for (n_followups_is, GUINT_TO_POINTER (2), WAIT_S));
  item = crm_followup_timeline_get_item (timeline (), 0);
  g_assert_true (g_variant_lookup (item, "content", "&s", &content));
  g_assert_cmpstr (content, ==, "电话确认样机发货时间");
  screenshot (GTK_WIDGET (timeline ()), "followup-pushed");
}

static gboolean
contact_confirm_open (gpointer data)
{
  return crm_contacts_section_get_confirm_dialog (contacts ()) != NULL;
}

static gboolean
second_title_is (gpointer data)
{
  g_autoptr(GVariant) second = NULL;
  const char *title = NULL;

  if (crm_contacts_section_is_busy (contacts ()) || crm_contacts_section_get_n_contacts (contacts ()) < 2)
    return FALSE;
  second = crm_contacts_section_get_contact (contacts (), 1);
  g_variant_lookup (second, "title", "&s", &title);
  return g_strcmp0 (title, data) == 0;
}

/* 王海燕 edited (the form comes filled in), then deleted after confirming. */
static void
test_edit_and_delete_contact (void)
{
  g_autoptr(GVariant) second = crm_contacts_section_get_contact (contacts (), 1);
  CrmContactForm *form;
  gint64 id = 0;

  g_assert_true (g_variant_lookup (second, "id", "x", &id));
  gtk_widget_activate_action (GTK_WIDGET (contacts ()), "contacts.edit", "x", id);
  form = crm_contacts_section_get_form (contacts ());
  g_assert_nonnull (form);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  g_assert_cmpstr (gtk_editable_get_text (crm_contact_form_get_entry (form, "name")), ==, "王海燕");
  g_assert_cmpstr (gtk_editable_get_text (crm_contact_form_get_entry (form, "birthday")), ==, "1986-05-20");
  gtk_editable_set_text (crm_contact_form_get_entry (form, "title"), "采购总监");
  gtk_widget_activate_action (GTK_WIDGET (form), "contact-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));
  g_assert_true (crm_ui_test_wait_for (second_title_is, (gpointer) "采购总监", WAIT_S));

  gtk_widget_activate_action (GTK_WIDGET (contacts ()), "contacts.delete", "x", id);
  g_assert_true (crm_ui_test_wait_for (contact_confirm_open, NULL, WAIT_S));
  screenshot (GTK_WIDGET (crm_contacts_section_get_confirm_dialog (contacts ())), "delete-contact-confirm");
  gtk_dialog_response (crm_contacts_section_get_confirm_dialog (contacts ()), GTK_RESPONSE_ACCEPT);
  g_assert_true (crm_ui_test_wait_for (n_contacts_is, GUINT_TO_POINTER (1), WAIT_S));
  {
    g_autoptr(GVariant) rows = server_contacts ();
    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  }
}

static gboolean
confirm_dialog_open (gpointer data)
{
  return crm_followup_timeline_get_confirm_dialog (timeline ()) != NULL;
}

static gboolean
first_followup_is (gpointer data)
{
  g_autoptr(GVariant) item = NULL;
  const char *content = NULL;

  if (crm_followup_timeline_is_busy (timeline ()) || crm_followup_timeline_get_n_items (timeline ()) == 0)
    return FALSE;
  item = crm_followup_timeline_get_item (timeline (), 0);
  g_variant_lookup (item, "content", "&s", &content);
  return g_strcmp0 (content, data) == 0;
}

/* The pushed follow-up corrected, then the other one deleted (confirmed). */
static void
test_edit_and_delete_followup (void)
{
  g_autoptr(GVariant) first = crm_followup_timeline_get_item (timeline (), 0);
  g_autoptr(GVariant) second = crm_followup_timeline_get_item (timeline (), 1);
  CrmFollowupForm *form;
  gint64 first_id = 0, second_id = 0;

  g_assert_true (g_variant_lookup (first, "id", "x", &first_id));
  g_assert_true (g_variant_lookup (second, "id", "x", &second_id));
  gtk_widget_activate_action (GTK_WIDGET (timeline ()), "followups.edit", "x", first_id);
  form = crm_followup_timeline_get_form (timeline ());
  g_assert_nonnull (form);
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  g_assert_cmpstr (crm_followup_form_get_method (form), ==, "phone");
  crm_followup_form_set_content (form, "电话确认样机周五发货");
  gtk_widget_activate_action (GTK_WIDGET (form), "followup-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));
  g_assert_true (crm_ui_test_wait_for (first_followup_is, (gpointer) "电话确认样机周五发货", WAIT_S));
  g_assert_cmpuint (crm_followup_timeline_get_n_items (timeline ()), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (timeline ()), "followups.delete", "x", second_id);
  g_assert_true (crm_ui_test_wait_for (confirm_dialog_open, NULL, WAIT_S));
  screenshot (GTK_WIDGET (crm_followup_timeline_get_confirm_dialog (timeline ())), "delete-followup-confirm");
  gtk_dialog_response (crm_followup_timeline_get_confirm_dialog (timeline ()), GTK_RESPONSE_ACCEPT);
  g_assert_true (crm_ui_test_wait_for (n_followups_is, GUINT_TO_POINTER (1), WAIT_S));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) page = crm_connection_call_sync (admin, CRM_MSG_FOLLOWUP_LIST,
                                                         g_variant_new ("(xsi)", customer_id, "", 10),
                                                         NULL, &error);
    g_autoptr(GVariant) rows = NULL;

    g_assert_no_error (error);
    g_variant_get (page, "(@aa{sv}&s)", &rows, NULL);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  }
  screenshot (GTK_WIDGET (timeline ()), "followup-edited-other-deleted");
}

/* ---- setup -------------------------------------------------------------- */

int
main (int argc, char *argv[])
{
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-ui-contacts-XXXXXX");
  server = crm_ui_test_start_server ("--demo-data 50");
  if (server == NULL)
    return g_test_run ();
  admin = crm_ui_test_connect_admin (server);
  app = crm_ui_test_new_application ();

  g_test_add_func ("/ui/contacts/sign-in-and-open", test_sign_in_and_open);
  g_test_add_func ("/ui/contacts/add", test_add_contact);
  g_test_add_func ("/ui/contacts/invalid-then-fixed", test_invalid_then_fixed);
  g_test_add_func ("/ui/contacts/make-primary", test_make_primary);
  g_test_add_func ("/ui/contacts/write-followup", test_write_followup);
  g_test_add_func ("/ui/contacts/followup-pushed", test_followup_pushed);
  g_test_add_func ("/ui/contacts/edit-and-delete-followup", test_edit_and_delete_followup);
  g_test_add_func ("/ui/contacts/edit-and-delete-contact", test_edit_and_delete_contact);

  status = g_test_run ();

  crm_ui_test_clear_application (&app);
  crm_ui_test_clear_connection (&admin);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
