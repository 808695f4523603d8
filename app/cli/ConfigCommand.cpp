#include "ConfigCommand.h"

#include <iomanip>
#include <iostream>

#include "CliCommon.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/ConfigSources.h"

namespace longmim::cli {

int configShow(const QStringList& arguments) {
  QCommandLineParser parser;
  const QCommandLineOption preset("preset", "Start from preset P: paper, cpu-demo or tiny.", "P");
  const QCommandLineOption file("config", "Apply the params JSON file F.", "F");
  const QCommandLineOption set("set", "Override one key (repeatable), e.g. --set BATCH_SIZE=8.",
                               "KEY=VALUE");
  parser.addOptions({preset, file, set});
  if (!parseArguments(parser, arguments, "config show",
                      "Print the effective configuration as JSON: defaults, then the preset, the "
                      "file and the --set overrides, validated.")) {
    return kExitOk;
  }
  if (!parser.positionalArguments().isEmpty()) {
    throw UsageError("config show takes no positional argument (got '" +
                     toStd(parser.positionalArguments().first()) + "')");
  }
  ConfigSources sources;
  sources.preset = toStd(parser.value(preset));
  sources.file = toStd(parser.value(file));
  for (const QString& assignment : parser.values(set))
    sources.assignments.push_back(toStd(assignment));
  std::cout << configToJson(resolveConfig(sources)).dump(2) << '\n';
  return kExitOk;
}

int configKeys(const QStringList& arguments) {
  QCommandLineParser parser;
  if (!parseArguments(parser, arguments, "config keys",
                      "List every configuration key with its group, allowed values and meaning.")) {
    return kExitOk;
  }
  ConfigGroup group = ConfigGroup::Output;
  bool first = true;
  for (const ConfigField& field : configFields()) {
    if (first || field.group != group) {
      std::cout << (first ? "" : "\n") << "[" << groupName(field.group) << "]\n";
      group = field.group;
      first = false;
    }
    std::cout << "  " << std::left << std::setw(28) << field.key << field.allowedText()
              << (field.runEdit == RunEdit::Live ? "  (editable during a run)" : "") << "\n"
              << "      " << field.help << "\n";
  }
  return kExitOk;
}

}  // namespace longmim::cli
