/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The recycle bin's registry.  Every module whose records are soft-deleted
 * (deleted_at / deleted_by) registers one CrmRecycleEntity at start-up
 * (its crm_<module>_module_init(), called by crm_modules_init()); the
 * recycle.list / restore / purge handlers (audit/crm-recycle.c) know
 * nothing else about them.
 *
 * Every statement is fixed text: the bin composes the list statement only
 * from registered fragments, never from input.
 */

#include "crm-modules.h"

G_BEGIN_DECLS

typedef struct
{
  /* Entity name as in the audit log and push.record_changed ("customer"). */
  const char *entity;
  /* Plural label for the console's kind filter, marked N_() (translated
   * when sent). */
  const char *label;
  /* Who sees this kind's rows in the bin (on top of recycle.manage). */
  const char *permission;
  /* A SELECT of the deleted rows, no ORDER BY / LIMIT, with exactly these
   * columns: entity text, id bigint, title text, deleted_by bigint,
   * deleted_at timestamptz, owner_id bigint (NULL when none), e.g.
   *   SELECT 'role'::text, id, display_name, deleted_by, deleted_at,
   *          NULL::bigint FROM roles WHERE deleted_at IS NOT NULL */
  const char *list_sql;
  /* Optional: $1 id → one integer row: 0 = may be restored, n > 0 =
   * refused with restore_conflicts[n - 1] (N_() strings, CONFLICT). */
  const char *restore_check_sql;
  const char *restore_conflicts[4];
  /* $1 id → (after JSON text for the audit log, version bigint or 0,
   * owner_id bigint or 0); no row = not in the bin. */
  const char *restore_sql;
  /* When restoring breaks a unique index (23505): CONFLICT with this N_()
   * message (e.g. "a department with this name now exists"). */
  const char *restore_duplicate;
  /* $1 id → (before JSON text) of the row deleted for good; no row = not
   * in the bin.  Audited as "purge". */
  const char *purge_sql;
} CrmRecycleEntity;

/* Adds `entity` (static storage; not copied).  Registering the same entity
 * name twice replaces the first.  Thread-safe; normally called once at
 * start-up. */
void crm_recycle_register (const CrmRecycleEntity *entity);

/* The registered entity called `name`, or NULL. */
const CrmRecycleEntity *crm_recycle_lookup (const char *name);

/* Every registered entity, in registration order: a new array of borrowed
 * pointers (g_ptr_array_unref it). */
GPtrArray *crm_recycle_entities (void);

G_END_DECLS
