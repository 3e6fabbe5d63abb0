/* SPDX-License-Identifier: GPL-3.0-or-later */
/* crm-demo-gen N [--seed S]: demo customers as tab-separated rows. */
#define G_LOG_DOMAIN "crm-demo-gen"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <time.h>

#include "crm-demo.h"
#include "crm-pinyin.h"

/* CPU seconds of this process: on a shared machine wall-clock rates say
 * more about the neighbours than about the code. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The data never holds tabs or line breaks, but a TSV writer must not
 * trust that. */
static void
put_field (GString *line, const char *text, gboolean last)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (line, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
  g_string_append_c (line, last ? '\n' : '\t');
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmDemoGenerator) gen = NULL;
  g_autoptr(GString) line = NULL;
  g_autofree char *seed_text = NULL;
  g_autoptr(GPtrArray) sample = g_ptr_array_new_with_free_func (g_free);
  gboolean benchmark = FALSE;
  guint64 seed = 1;
  guint64 n = 0;
  double start;
  double seconds;
  const GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text, N_("Seed of the data set (default 1)"), N_("S") },
    { "benchmark", 0, 0, G_OPTION_ARG_NONE, &benchmark,
      N_("Generate without printing; report rows per second"), NULL },
    { NULL },
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  context = g_option_context_new (_("N — print N demo customers as tab-separated rows"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 0, G_GUINT64_CONSTANT (100000000), &n, &error))
    {
      g_printerr ("%s\n", error != NULL ? error->message : _("Give the number of rows, e.g. 1000"));
      return 2;
    }
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, &error))
    {
      g_printerr (_("Invalid seed: %s\n"), error->message);
      return 2;
    }

  gen = crm_demo_generator_new (seed);
  line = g_string_sized_new (512);
  if (!benchmark)
    fputs ("code\tname\tshort_name\tcategory\tindustry\tsource\tregion\tvalue\tphones\taddress\t"
           "postal_code\tcontact\ttitle\tgender\tbirthday\temail\tnotes\tname_pinyin\tname_initials\n", stdout);

  start = cpu_seconds ();
  for (guint64 i = 0; i < n; i++)
    {
      g_auto(CrmDemoCustomer) c = { 0 };
      g_autofree char *phones = NULL;

      crm_demo_generator_next (gen, &c);
      if (benchmark)
        {
          if (sample->len < 200000)
            g_ptr_array_add (sample, g_steal_pointer (&c.name));
          continue;
        }
      phones = g_strjoinv (",", c.phones);
      g_string_truncate (line, 0);
      put_field (line, c.code, FALSE);
      put_field (line, c.name, FALSE);
      put_field (line, c.short_name, FALSE);
      put_field (line, c.category, FALSE);
      put_field (line, c.industry, FALSE);
      put_field (line, c.source, FALSE);
      put_field (line, c.region, FALSE);
      put_field (line, c.value, FALSE);
      put_field (line, phones, FALSE);
      put_field (line, c.address, FALSE);
      put_field (line, c.postal_code, FALSE);
      put_field (line, c.contact_name, FALSE);
      put_field (line, c.contact_title, FALSE);
      put_field (line, c.contact_gender, FALSE);
      put_field (line, c.contact_birthday, FALSE);
      put_field (line, c.contact_email, FALSE);
      put_field (line, c.notes, FALSE);
      put_field (line, c.name_pinyin, FALSE);
      put_field (line, c.name_initials, TRUE);
      if (fwrite (line->str, 1, line->len, stdout) != line->len)
        {
          g_printerr (_("Cannot write the output\n"));
          return 1;
        }
    }
  seconds = cpu_seconds () - start;
  if (benchmark)
    {
      printf ("demo_rows_per_cpu_s %.0f rows/s\n", seconds > 0 ? (double) n / seconds : 0.0);
      /* Reference: pinyin of whole names without the generator's per-part
       * cache, as a caller converting names one by one would pay. */
      start = cpu_seconds ();
      for (guint i = 0; i < sample->len; i++)
        {
          g_autofree char *initials = NULL;
          g_autofree char *pinyin = crm_pinyin_from_text (sample->pdata[i], &initials);
        }
      seconds = cpu_seconds () - start;
      printf ("pinyin_names_per_cpu_s %.0f names/s\n", seconds > 0 ? (double) sample->len / seconds : 0.0);
    }
  if (fflush (stdout) != 0)
    {
      g_printerr (_("Cannot write the output\n"));
      return 1;
    }
  return 0;
}
