#!/usr/bin/env bash
# docs/liqnet.1 and completions/liqnet.bash are what `liqnet __docs` writes
# from the option tables, and the completion completes.
# Usage: check_cli_docs.sh LIQNET_BINARY SOURCE_DIR
set -uo pipefail
liqnet=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$src/tests/testlib.sh"

for kind in man bash; do
  file=$src/docs/liqnet.1
  [ $kind = bash ] && file=$src/completions/liqnet.bash
  if "$liqnet" __docs $kind > "$work/$kind" && cmp -s "$work/$kind" "$file"; then
    ok "$file is what 'liqnet __docs $kind' writes"
  else
    bad "$file differs from the option tables; regenerate it: build/liqnet __docs $kind > ${file#$src/}"
    diff "$file" "$work/$kind" | head -20
  fi
done
if command -v man > /dev/null; then
  MANWIDTH=80 man -l "$src/docs/liqnet.1" > "$work/man.txt" 2> "$work/man.err"
  grep -q -- "--stop-after" "$work/man.txt" && [ ! -s "$work/man.err" ] && ok "man renders the page without warnings" ||
    bad "man: $(head -5 "$work/man.err")"
fi
# complete WORDS...: what the completion offers for the last word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _liqnet; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$src/completions/liqnet.bash" "$@"
}
[ "$(complete_words liqnet sh)" = show ] && ok "completes a command" || bad "command: $(complete_words liqnet sh)"
[ "$(complete_words liqnet run --cent)" = --centrality ] && ok "completes an option" || bad "option"
[ "$(complete_words liqnet run --centrality e)" = exact ] && ok "completes an option's value" || bad "value"
[ "$(complete_words liqnet sweep --stop)" = --stop-after ] && ok "sweep's --stop-after" || bad "sweep"
[ "$(complete_words liqnet generate --model bar)" = barabasi_albert ] && ok "generate's models" || bad "models"
[ -z "$(complete_words liqnet run --threads "")" ] && ok "no files offered for a number" || bad "numbers"
finish
