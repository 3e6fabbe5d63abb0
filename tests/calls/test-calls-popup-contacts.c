/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-popup-contacts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "crm-call-popup.h"
#include "crm-contact-form.h"
#include "crm-followup-form.h"
#include "crm-messages.h"
#include "crm-session.h"
#include "crm-test-server.h"
#include "crm-trust-store.h"
#include "crm-ui-test.h"

/*
 * The call pop-up with contacts and follow-ups, against a real crm-server:
 * a contact's mobile rings (call.lookup as the client asks it) → the
 * pop-up names the customer, the calling contact, the primary contact and
 * the last three follow-ups; "write a follow-up" opens the form with the
 * customer, the contact and method phone and saves it; the customer's own
 * mobile rings → "add a contact" opens the contact form with the number in
 * the mobile field and saves the new contact.  Screenshots.
 */

#define WAIT_S 30
#define CUSTOMER_NAME "武汉长江物流有限公司"
#define CUSTOMER_MOBILE "13811112222"
#define CONTACT_MOBILE "+86 139-0000-2222"

static CrmTestServer *server;
static CrmConnection *admin;
static CrmSession    *session;
static char          *tmp_dir;
static gint64         customer_id;
static gint64         caller_contact_id;

static GVariant *
admin_call (guint id, GVariant *body)
{
  return crm_test_call_ok (admin, id, body);
}

static gint64
add_contact (const char *name, const char *mobile, gboolean primary)
{
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;
  gint64 id;

  g_variant_dict_insert (&d, "customer_id", "x", customer_id);
  g_variant_dict_insert (&d, "name", "s", name);
  g_variant_dict_insert (&d, "mobile", "s", mobile);
  g_variant_dict_insert (&d, "is_primary", "b", primary);
  reply = admin_call (CRM_MSG_CONTACT_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  g_variant_get (reply, "(xx)", &id, NULL);
  return id;
}

static void
add_followup (gint64 at, const char *content)
{
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;

  g_variant_dict_insert (&d, "customer_id", "x", customer_id);
  g_variant_dict_insert (&d, "method", "s", "visit");
  g_variant_dict_insert (&d, "content", "s", content);
  g_variant_dict_insert (&d, "at", "x", at);
  reply = admin_call (CRM_MSG_FOLLOWUP_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GVariant **out = data;
  g_autoptr(GError) error = NULL;

  *out = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* What the client's call center does on caller ID: call.lookup through
 * the session, plus the number, into a new pop-up. */
static CrmCallPopup *
popup_for (const char *number)
{
  GVariant *reply = NULL;
  g_auto(GVariantDict) info = G_VARIANT_DICT_INIT (NULL);
  CrmCallPopup *popup;

  crm_session_call_async (session, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", number), NULL,
                          call_done, &reply);
  g_assert_true (crm_ui_test_wait_for (pointer_set, &reply, WAIT_S));
  g_variant_dict_init (&info, reply);
  g_variant_dict_insert (&info, "number", "s", number);
  g_variant_unref (reply);
  popup = crm_call_popup_new (session);
  crm_call_popup_set_info (popup, g_variant_dict_end (&info));
  gtk_window_present (GTK_WINDOW (popup));
  crm_ui_test_settle (300);
  return popup;
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  crm_ui_test_settle (300);
  crm_ui_test_save_screenshot (widget, name);
}

static gboolean
action_enabled (GtkWidget *widget, const char *action)
{
  return g_action_group_get_action_enabled (crm_call_popup_get_actions (CRM_CALL_POPUP (widget)), action);
}

/* ---- the steps ---------------------------------------------------------- */

static void
test_contact_calls (void)
{
  CrmCallPopup *popup = popup_for (CONTACT_MOBILE);
  const char *detail = crm_call_popup_get_detail_text (popup);
  g_auto(GStrv) lines = g_strsplit (crm_call_popup_get_followups_text (popup), "\n", -1);

  g_assert_cmpint (crm_call_popup_get_customer_id (popup), ==, customer_id);
  g_assert_cmpstr (crm_call_popup_get_title_text (popup), ==, CUSTOMER_NAME);
  g_assert_nonnull (strstr (detail, "吴会计"));
  g_assert_nonnull (strstr (detail, "郑总"));
  g_assert_nonnull (strstr (detail, "13700001111"));
  /* The last three follow-ups, newest first. */
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[0], "第5次拜访"));
  g_assert_nonnull (strstr (lines[2], "第3次拜访"));
  /* The caller is a known contact: nothing to add. */
  g_assert_true (action_enabled (GTK_WIDGET (popup), "write-followup"));
  g_assert_false (action_enabled (GTK_WIDGET (popup), "add-contact"));
  screenshot (GTK_WIDGET (popup), "popup-contacts-01-contact-calls.png");
  gtk_window_destroy (GTK_WINDOW (popup));
}

static void
test_write_followup_from_popup (void)
{
  CrmCallPopup *popup = popup_for (CONTACT_MOBILE);
  GtkWindow *form;
  g_autoptr(GVariant) page = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GVariant) first = NULL;
  const char *method = NULL, *content = NULL;
  gint64 contact = 0;

  gtk_widget_activate_action (GTK_WIDGET (popup), "popup.write-followup", NULL);
  form = crm_call_popup_get_form (popup);
  g_assert_true (CRM_IS_FOLLOWUP_FORM (form));
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  g_assert_cmpstr (crm_followup_form_get_method (CRM_FOLLOWUP_FORM (form)), ==, "phone");
  g_assert_cmpint (crm_followup_form_get_contact (CRM_FOLLOWUP_FORM (form)), ==, caller_contact_id);
  crm_followup_form_set_content (CRM_FOLLOWUP_FORM (form), "来电询问发货进度，已答复本周五发出。");
  screenshot (GTK_WIDGET (form), "popup-contacts-02-followup-form.png");
  gtk_widget_activate_action (GTK_WIDGET (form), "followup-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));

  page = admin_call (CRM_MSG_FOLLOWUP_LIST, g_variant_new ("(xsi)", customer_id, "", 1));
  g_variant_get (page, "(@aa{sv}&s)", &rows, NULL);
  first = g_variant_get_child_value (rows, 0);
  g_assert_true (g_variant_lookup (first, "method", "&s", &method));
  g_assert_cmpstr (method, ==, "phone");
  g_assert_true (g_variant_lookup (first, "content", "&s", &content));
  g_assert_cmpstr (content, ==, "来电询问发货进度，已答复本周五发出。");
  g_assert_true (g_variant_lookup (first, "contact_id", "x", &contact));
  g_assert_cmpint (contact, ==, caller_contact_id);
  gtk_window_destroy (GTK_WINDOW (popup));
}

static void
test_add_contact_from_popup (void)
{
  CrmCallPopup *popup = popup_for (CUSTOMER_MOBILE);
  GtkWindow *form;
  g_autoptr(GVariant) rows = NULL;
  gboolean found = FALSE;

  g_assert_cmpint (crm_call_popup_get_customer_id (popup), ==, customer_id);
  g_assert_true (action_enabled (GTK_WIDGET (popup), "add-contact"));
  gtk_widget_activate_action (GTK_WIDGET (popup), "popup.add-contact", NULL);
  form = crm_call_popup_get_form (popup);
  g_assert_true (CRM_IS_CONTACT_FORM (form));
  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  g_assert_cmpstr (gtk_editable_get_text (crm_contact_form_get_entry (CRM_CONTACT_FORM (form), "mobile")),
                   ==, CUSTOMER_MOBILE);
  crm_ui_test_type_text (crm_contact_form_get_entry (CRM_CONTACT_FORM (form), "name"), "钱经理");
  screenshot (GTK_WIDGET (form), "popup-contacts-03-contact-form.png");
  gtk_widget_activate_action (GTK_WIDGET (form), "contact-form.save", NULL);
  g_assert_true (crm_ui_test_wait_for (pointer_is_null, &form, WAIT_S));
  g_assert_false (action_enabled (GTK_WIDGET (popup), "add-contact"));

  rows = admin_call (CRM_MSG_CONTACT_LIST, g_variant_new ("(x)", customer_id));
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      const char *name = NULL, *mobile = NULL;

      g_variant_lookup (row, "name", "&s", &name);
      g_variant_lookup (row, "mobile", "&s", &mobile);
      if (g_strcmp0 (name, "钱经理") == 0)
        {
          g_assert_cmpstr (mobile, ==, CUSTOMER_MOBILE);
          found = TRUE;
        }
    }
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (popup));
}

/* ---- setup -------------------------------------------------------------- */

int
main (int argc, char *argv[])
{
  g_autofree char *trust_path = NULL;
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-popup-contacts-XXXXXX");
  server = crm_ui_test_start_server (NULL);
  if (server == NULL)
    return g_test_run ();
  admin = crm_ui_test_connect_admin (server);

  /* The customer, two contacts and five follow-ups an hour apart. */
  {
    g_autofree char *key = crm_new_idempotency_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    const char *phones[] = { CUSTOMER_MOBILE, NULL };
    g_autoptr(GVariant) reply = NULL;
    gint64 base = g_get_real_time () - G_GINT64_CONSTANT (6) * 3600 * G_USEC_PER_SEC;

    g_variant_dict_insert (&d, "name", "s", CUSTOMER_NAME);
    g_variant_dict_insert (&d, "phones", "^as", phones);
    reply = admin_call (CRM_MSG_CUSTOMER_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
    g_variant_get (reply, "(xx)", &customer_id, NULL);
    add_contact ("郑总", "13700001111", TRUE);
    caller_contact_id = add_contact ("吴会计", CONTACT_MOBILE, FALSE);
    for (guint i = 1; i <= 5; i++)
      {
        g_autofree char *content = g_strdup_printf ("第%u次拜访", i);
        add_followup (base + (gint64) i * 3600 * G_USEC_PER_SEC, content);
      }
  }

  trust_path = g_build_filename (tmp_dir, "trust.txt", NULL);
  session = crm_ui_test_sign_in_admin (server, trust_path, "zh_CN");

  g_test_add_func ("/calls/popup-contacts/contact-calls", test_contact_calls);
  g_test_add_func ("/calls/popup-contacts/write-followup", test_write_followup_from_popup);
  g_test_add_func ("/calls/popup-contacts/add-contact", test_add_contact_from_popup);
  status = g_test_run ();

  crm_session_sign_out (session);
  g_clear_object (&session);
  crm_ui_test_clear_connection (&admin);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
