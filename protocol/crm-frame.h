/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Frame layout (all integers big-endian), see README.md "Frames":
 *   0  u32 magic  'C' 'R' 'M' 'P'
 *   4  u16 protocol version
 *   6  u16 message type (CrmMessageId)
 *   8  u32 flags (CrmFrameFlags; unknown bits are an error)
 *  12  u32 request id (0 for push frames)
 *  16  u32 body length
 *  20  body: serialized GVariant (little-endian) of the type declared for
 *      the message in the message table (or "(uss)" for error frames)
 */
#define CRM_FRAME_MAGIC              0x43524D50u /* "CRMP" */
#define CRM_PROTOCOL_VERSION_MIN     1
#define CRM_PROTOCOL_VERSION_MAX     1
#define CRM_FRAME_HEADER_SIZE        20
#define CRM_FRAME_MAX_BODY           (8u * 1024u * 1024u)
#define CRM_FRAME_MAX_BODY_PREAUTH   (4u * 1024u)
#define CRM_MAX_STRING_LENGTH        (64u * 1024u)  /* bytes, any string field */
#define CRM_MAX_ARRAY_LENGTH         100000u        /* elements, any array */
#define CRM_MAX_NESTING              8              /* container depth */

typedef enum {
  CRM_FRAME_FLAG_NONE  = 0,
  CRM_FRAME_FLAG_REPLY = 1u << 0,
  CRM_FRAME_FLAG_ERROR = 1u << 1, /* with REPLY: body is "(uss)" */
  CRM_FRAME_FLAG_PUSH  = 1u << 2, /* server-initiated; request id 0 */
} CrmFrameFlags;

#define CRM_FRAME_FLAGS_KNOWN (CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR | CRM_FRAME_FLAG_PUSH)

typedef struct {
  guint16 version;
  guint16 type;
  guint32 flags;
  guint32 request_id;
  guint32 body_length;
} CrmFrameHeader;

/* Parses exactly CRM_FRAME_HEADER_SIZE bytes.  Fails (CRM_ERROR_BAD_FRAME,
 * CRM_ERROR_FRAME_TOO_LARGE) on bad magic, unknown flags, inconsistent flag
 * combinations, or body_length > max_body. */
gboolean crm_frame_header_parse (const guint8   *data,
                                 gsize           length,
                                 gsize           max_body,
                                 CrmFrameHeader *out,
                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;

void crm_frame_header_write (const CrmFrameHeader *header,
                             guint8                out[CRM_FRAME_HEADER_SIZE]);

/* Header + serialized body in one buffer.  `body` is sunk if floating;
 * NULL means the unit tuple "()". */
GBytes *crm_frame_encode (guint16   type,
                          guint32   flags,
                          guint32   request_id,
                          GVariant *body);

/* Decodes an untrusted body: loads it untrusted, checks it is in normal form,
 * of `type`, within CRM_MAX_NESTING, and that every string is valid UTF-8
 * and within CRM_MAX_STRING_LENGTH and every array within
 * CRM_MAX_ARRAY_LENGTH; then returns it re-wrapped as trusted (GLib 2.74
 * walks untrusted arrays in quadratic time).  CRM_ERROR_BAD_PAYLOAD on
 * failure. */
GVariant *crm_payload_decode (GBytes             *body,
                              const GVariantType *type,
                              GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
