/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-list-cursors"
#include "config.h"

#include <glib.h>

#include "crm-customer-list-cursors.h"

/*
 * The cursor table behind the customer list's blocks: the first cursor
 * known for a page stays, block 0 (walked from the start, exact positions)
 * replaces another block's, and dropping a block forgets only its own.
 */

static void
test_first_stays (void)
{
  g_autoptr(CrmCustomerListCursors) cursors = crm_customer_list_cursors_new ();

  g_assert_null (crm_customer_list_cursors_get (cursors, 3));
  crm_customer_list_cursors_put (cursors, 3, "jump-a", 2);
  crm_customer_list_cursors_put (cursors, 3, "jump-b", 5);
  crm_customer_list_cursors_put (cursors, 3, "jump-a-again", 2);
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 3), ==, "jump-a");
  g_assert_cmpuint (crm_customer_list_cursors_get_block (cursors, 3), ==, 2);
  g_assert_cmpuint (crm_customer_list_cursors_get_len (cursors), ==, 4);
  g_assert_null (crm_customer_list_cursors_get (cursors, 2));
  g_assert_null (crm_customer_list_cursors_get (cursors, 400));
}

static void
test_block0_wins (void)
{
  g_autoptr(CrmCustomerListCursors) cursors = crm_customer_list_cursors_new ();

  crm_customer_list_cursors_put (cursors, 7, "jumped", 1);
  crm_customer_list_cursors_put (cursors, 7, "walked", 0);
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 7), ==, "walked");
  g_assert_cmpuint (crm_customer_list_cursors_get_block (cursors, 7), ==, 0);
  /* And is not replaced back. */
  crm_customer_list_cursors_put (cursors, 7, "jumped-again", 1);
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 7), ==, "walked");
}

static void
test_drop_block (void)
{
  g_autoptr(CrmCustomerListCursors) cursors = crm_customer_list_cursors_new ();

  crm_customer_list_cursors_put (cursors, 0, "", 0);
  crm_customer_list_cursors_put (cursors, 1, "a", 0);
  crm_customer_list_cursors_put (cursors, 20, "b", 1);
  crm_customer_list_cursors_put (cursors, 21, "c", 1);
  crm_customer_list_cursors_put (cursors, 40, "d", 2);
  crm_customer_list_cursors_drop_block (cursors, 1);
  g_assert_null (crm_customer_list_cursors_get (cursors, 20));
  g_assert_null (crm_customer_list_cursors_get (cursors, 21));
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 0), ==, "");
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 1), ==, "a");
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 40), ==, "d");
  /* A dropped page takes a new cursor from any block. */
  crm_customer_list_cursors_put (cursors, 20, "e", 3);
  g_assert_cmpstr (crm_customer_list_cursors_get (cursors, 20), ==, "e");
  crm_customer_list_cursors_clear (cursors);
  g_assert_null (crm_customer_list_cursors_get (cursors, 1));
  g_assert_cmpuint (crm_customer_list_cursors_get_len (cursors), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/list-cursors/first-stays", test_first_stays);
  g_test_add_func ("/client/list-cursors/block0-wins", test_block0_wins);
  g_test_add_func ("/client/list-cursors/drop-block", test_drop_block);
  return g_test_run ();
}
