# Reflows a program's --help text into the layout help2man parses; used by make-man-page.sh.
# POSIX awk (Debian's default is mawk). Text a terminal shows well but help2man misreads:
#
#   Usage: longmim <command> [options]      longmim <command> --help for its options
#       Two things on one line: only the usage goes to SYNOPSIS (the include file says the rest).
#   Commands:
#     synth -n N -o DIR [--profile reference|demo] [--seed S] ...
#           [--lung-seg FILE_OR_DIR] ...                <- a synopsis continued, indented 8
#                        Generate synthetic ...        <- its description, indented 21
#       The continued synopsis is joined into one line, a second synopsis of the same command is
#       joined with ", or ", and the section becomes help2man's custom section *Commands*.
#   Exit status:
#       Becomes the custom section *Exit status* (help2man would file it under DESCRIPTION).
#
# Text without these parts (the studio's help) passes through unchanged.

function flush_entry() {
  if (tag != "") {
    print "  " tag
    printf "%s", description
  }
  tag = ""
  description = ""
  described = 0
}

function trim(text) {
  sub(/^ +/, "", text)
  sub(/ +$/, "", text)
  return text
}

BEGIN {
  section = ""
  tag = ""
  description = ""
  described = 0
  indent = "                     "  # 21 spaces: where kUsage's descriptions start
}

/^Usage: / {
  if (match($0, /   +/)) {
    print substr($0, 1, RSTART - 1)
  } else {
    print
  }
  next
}

/^[A-Z][A-Za-z ]*:$/ {
  flush_entry()
  heading = substr($0, 1, length($0) - 1)
  if (heading == "Commands" || heading == "Exit status") {
    section = heading
    print "*" heading "*"
  } else {
    section = ""
    print
  }
  next
}

section == "Commands" && /^$/ {
  flush_entry()
  print
  next
}

section == "Commands" && /^                    / {
  # A description line (indented 20 or more).
  description = description indent trim($0) "\n"
  described = 1
  next
}

section == "Commands" && /^        [^ ]/ {
  # A synopsis continued on the next line.
  tag = tag " " trim($0)
  next
}

section == "Commands" && /^  [^ ]/ {
  line = trim($0)
  text = ""
  # "config keys        List every ...": synopsis and description on one line.
  if (match(line, /   +/)) {
    text = substr(line, RSTART + RLENGTH)
    line = substr(line, 1, RSTART - 1)
  }
  if (tag != "" && !described) {
    tag = tag ", or " line
  } else {
    flush_entry()
    tag = line
  }
  if (text != "") {
    description = description indent text "\n"
    described = 1
  }
  next
}

{
  flush_entry()
  print
}

END {
  flush_entry()
}
