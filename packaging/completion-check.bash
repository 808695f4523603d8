# Checks the installed bash completion of longmim against the installed program; run by
# packaging/test-package.sh with the package installed (bash packaging/completion-check.bash).
# It completes a few command lines the way bash would on <Tab>, then compares, for every command,
# the options its completion offers with those `/usr/bin/longmim COMMAND --help` prints, so the
# completion cannot fall behind the program unnoticed. Prints what differs; exit status 1 if any.
set -uo pipefail
PATH=/usr/bin:/bin
# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion
# shellcheck source=/dev/null
source /usr/share/bash-completion/completions/longmim

# The candidates bash would offer for LINE (the cursor at its end), one a line.
complete_line() {
  local line=$1
  local -a COMP_WORDS
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  # compopt only works inside a real completion; outside one it complains and does nothing.
  _longmim longmim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
  printf '%s\n' "${COMPREPLY[@]}"
}

problems=0
expect() {
  local line=$1 want=$2 got
  got=$(complete_line "$line" | sort | tr '\n' ' ')
  if [[ " $got" != *" $want "* ]]; then
    echo "completion of '$line' offers '$got'; expected it to include '$want'"
    problems=1
  fi
}

expect "longmim s" synth
expect "longmim config " keys
expect "longmim data " check
expect "longmim model " summary
expect "longmim train --preset " cpu-demo
expect "longmim model summary --arch " reference
expect "longmim train --set BATCH_S" BATCH_SIZE=

for command in "config show" "config keys" "data check" synth "model summary" train predict \
  evaluate plot; do
  # shellcheck disable=SC2086  # "data check" is two words on purpose
  help=$(/usr/bin/longmim $command --help) || {
    echo "/usr/bin/longmim $command --help failed"
    problems=1
    continue
  }
  # "  -n, --save_name, --name <NAME>   Custom ..." -> -n --save_name --name
  from_help=$(sed -n 's/^  \(-[^ ].*\)$/\1/p' <<<"$help" | sed 's/   .*//; s/ <[^>]*>//g; s/,/ /g' |
    tr ' ' '\n' | grep '^-' | sort -u)
  offered=$(complete_line "longmim $command -" | sort -u)
  missing=$(comm -23 <(echo "$from_help") <(echo "$offered"))
  extra=$(comm -13 <(echo "$from_help") <(echo "$offered"))
  if [[ -n $missing || -n $extra ]]; then
    echo "longmim $command: --help names [$(tr '\n' ' ' <<<"$missing")] that the completion" \
      "lacks; the completion offers [$(tr '\n' ' ' <<<"$extra")] that --help does not name"
    problems=1
  fi
done
exit "$problems"
