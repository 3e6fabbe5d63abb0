#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a user-visible string in any file of po/POTFILES.in has no
# zh_CN translation, or when po/zh_CN.po does not compile cleanly.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
grep -v '^#' po/POTFILES.in | grep -v '^[[:space:]]*$' > "$tmp/files"
while read -r f; do
  [ -f "$f" ] || { echo "po/POTFILES.in names a missing file: $f"; exit 1; }
done < "$tmp/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=g_dgettext:2 \
  -f "$tmp/files" -o "$tmp/all.pot" 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log"; exit 1; }
msgfmt --check -o /dev/null po/zh_CN.po
[ -f "$tmp/all.pot" ] || { echo "no translatable strings found"; exit 0; }
if ! msgcmp po/zh_CN.po "$tmp/all.pot" 2>"$tmp/cmp.log"; then
  echo "po/zh_CN.po is incomplete (run build-aux/update-po and translate):"
  head -40 "$tmp/cmp.log"
  exit 1
fi
fuzzy=$(msgattrib --only-fuzzy po/zh_CN.po | grep -c '^msgid' || true)
if [ "$fuzzy" -gt 0 ]; then echo "po/zh_CN.po has fuzzy entries"; exit 1; fi
echo "zh_CN translation complete"
