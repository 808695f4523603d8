#include "ModelCommand.h"

#include <iostream>

#include "CliCommon.h"
#include "config/ConfigSources.h"
#include "model/ModelSummary.h"

namespace longmim::cli {

int modelSummary(const QStringList& arguments) {
  QCommandLineParser parser;
  const QCommandLineOption arch(
      "arch", "Architecture: big or reference (default: the configuration's).", "A");
  const QCommandLineOption preset(
      "preset", "Preset: paper, cpu-demo or tiny (sets IMG_SIZE and MODEL_SIZE).", "P");
  const QCommandLineOption file("config", "Apply the params JSON file F.", "F");
  const QCommandLineOption set("set", "Override one key (repeatable).", "KEY=VALUE");
  const QCommandLineOption json("json", "Print the summary as JSON.");
  parser.addOptions({arch, preset, file, set, json});
  if (!parseArguments(
          parser, arguments, "model summary",
          "Show a model's parameters per part, its output shape at IMG_SIZE and the estimated "
          "forward and backward GFLOPs per sample.")) {
    return kExitOk;
  }
  ConfigSources sources;
  sources.preset = toStd(parser.value(preset));
  sources.file = toStd(parser.value(file));
  for (const QString& value : parser.values(set))
    sources.assignments.push_back(toStd(value));
  if (parser.isSet(arch))
    sources.assignments.push_back("MODEL_ARCH=" + toStd(parser.value(arch)));
  const model::ModelSummary summary = model::summarizeModel(resolveConfig(sources));
  if (parser.isSet(json)) {
    std::cout << summary.toJson().dump(2) << '\n';
  } else {
    std::cout << summary.text();
  }
  return kExitOk;
}

}  // namespace longmim::cli
