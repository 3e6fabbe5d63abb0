/* SPDX-License-Identifier: GPL-3.0-or-later */
/* placeholder: being implemented */
typedef int crm_placeholder_crm_frame;
