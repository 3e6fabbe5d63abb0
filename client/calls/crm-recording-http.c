/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-recording-http"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-recording-http.h"
#include "crm-trust-store.h"

char *
crm_recording_http_base (CrmSession *session, const char *base_override)
{
  g_autofree char *host = NULL;
  guint16 port = 0;
  const char *address = crm_session_get_address (session);

  if (base_override != NULL && *base_override != '\0')
    return g_strdup (base_override);
  if (address == NULL || !crm_session_parse_address (address, &host, &port, NULL) || port == G_MAXUINT16)
    return NULL;
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("https://[%s]:%u", host, port + 1);
  return g_strdup_printf ("https://%s:%u", host, port + 1);
}

static gboolean
accept_certificate_cb (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  CrmSession *session = data;
  CrmTrustStore *trust = crm_session_get_trust_store (session);
  const char *address = crm_session_get_address (session);
  const char *pinned = (trust && address) ? crm_trust_store_lookup (trust, address) : NULL;
  g_autofree char *fingerprint = crm_certificate_fingerprint (cert);

  return pinned != NULL && fingerprint != NULL && g_ascii_strcasecmp (pinned, fingerprint) == 0;
}

SoupMessage *
crm_recording_http_message (CrmSession  *session,
                            const char  *base,
                            const char  *method,
                            const char  *sha256,
                            GError     **error)
{
  CrmConnection *conn = crm_session_get_connection (session);
  const char *token = conn ? crm_connection_get_session_token (conn) : NULL;
  g_autofree char *uri = NULL;
  g_autofree char *bearer = NULL;
  SoupMessage *msg;

  if (base == NULL || token == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                   _("The server cannot be reached; the call will be sent later"));
      return NULL;
    }
  uri = g_strdup_printf ("%s/recordings/%s", base, sha256);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Invalid server address"));
      return NULL;
    }
  bearer = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  /* The message holds the session: signal data must outlive it. */
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                         g_object_ref (session), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  return msg;
}
