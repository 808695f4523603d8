# Turns one subcommand's --help (Qt's QCommandLineParser layout) into roff for the man page's
# COMMAND OPTIONS section; used by make-man-page.sh. POSIX awk. Input:
#
#   Usage: /any/path/longmim data check [options] DIR
#   Check a dataset folder: ...                           <- description (one or more lines)
#
#   Options:
#     --json              Print the report as JSON.
#     --threads <N>       Files are checked on N threads (default:
#                         all cores).                     <- continued, indented to the column
#   Arguments:
#     DIR                 Dataset folder, ...
#
# Output: a subsection titled with `command` (-v command="longmim data check"), its synopsis, the
# description, and one tagged paragraph per option and argument. -h/--help is left out: every
# command has it and the section's introduction says so.

# roff's special characters: backslash first (the other escapes add backslashes), every hyphen as
# \- (so that options copied from the page work), and a leading . or ' protected.
function esc(text) {
  gsub(/\\/, "\\\\e", text)
  gsub(/-/, "\\\\-", text)
  if (text ~ /^[.']/)
    text = "\\&" text
  return text
}

# "-n, --number <N>" -> options bold, values and argument names italic.
function format_tag(text,    words, count, i, word, comma, out) {
  count = split(text, words, / +/)
  out = ""
  for (i = 1; i <= count; ++i) {
    word = words[i]
    comma = ""
    if (word ~ /,$/) {
      comma = ","
      word = substr(word, 1, length(word) - 1)
    }
    if (word ~ /^-/)
      word = "\\fB" esc(word) "\\fR"
    else
      word = "\\fI" esc(word) "\\fR"
    out = out (i > 1 ? " " : "") word comma
  }
  return out
}

function flush_item() {
  if (item_tag != "" && item_tag !~ /^-h, --help$/) {
    print ".TP"
    print format_tag(item_tag)
    print esc(item_text)
  }
  item_tag = ""
  item_text = ""
}

function flush_paragraph() {
  if (paragraph != "") {
    print ".PP"
    print esc(paragraph)
  }
  paragraph = ""
}

BEGIN {
  state = "description"
  paragraph = ""
  item_tag = ""
  item_text = ""
  print ".SS \"" esc(command) "\""
}

/^Usage: / {
  # The program word is the build tree's path; the command's own name replaces it.
  usage = $0
  sub(/^Usage: +[^ ]+ +/, "", usage)
  words = split(command, parts, / +/)
  for (i = 2; i <= words; ++i)
    sub(/^[^ ]+ */, "", usage)
  print ".PP"
  print "\\fB" esc(command) "\\fR " esc(usage)
  next
}

/^(Options|Arguments):$/ {
  flush_paragraph()
  flush_item()
  state = "items"
  if ($0 == "Arguments:") {
    print ".PP"
    print "Arguments:"
  }
  next
}

state == "description" && /^$/ {
  flush_paragraph()
  next
}

state == "description" {
  paragraph = paragraph (paragraph == "" ? "" : " ") $0
  next
}

# An option or argument: two spaces, its names, two or more spaces, the start of its text.
state == "items" && /^  [^ ]/ {
  flush_item()
  line = substr($0, 3)
  if (match(line, /  +/)) {
    item_tag = substr(line, 1, RSTART - 1)
    item_text = substr(line, RSTART + RLENGTH)
  } else {
    item_tag = line
  }
  next
}

state == "items" && /^   +[^ ]/ {
  text = $0
  sub(/^ +/, "", text)
  item_text = item_text (item_text == "" ? "" : " ") text
  next
}

state == "items" && /^$/ {
  flush_item()
  next
}

END {
  flush_paragraph()
  flush_item()
}
