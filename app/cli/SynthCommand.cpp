#include "SynthCommand.h"

#include <csignal>
#include <iostream>

#include "CliCommon.h"
#include "Error.h"
#include "ProgressBar.h"
#include "synth/DatasetSynthesizer.h"

namespace longmim::cli {
namespace {

std::atomic<bool> interrupted{false};

void onInterrupt(int) {
  interrupted = true;
}

int positiveInt(const QString& text, const char* option) {
  bool ok = false;
  const int value = text.toInt(&ok);
  if (!ok)
    throw UsageError(std::string(option) + " expects an integer (got '" + toStd(text) + "')");
  return value;
}

}  // namespace

int synth(const QStringList& arguments) {
  QCommandLineParser parser;
  const QCommandLineOption count({"n", "number"}, "Number of pairs to generate (required).", "N");
  const QCommandLineOption output(
      {"o", "output"}, "Output folder (new, empty, or an earlier run to continue).", "DIR");
  const QCommandLineOption seed(
      "seed", "Random seed (default 0); the same seed gives identical files.", "S");
  const QCommandLineOption size("size", "Side of the output images in pixels (default 512).", "PX");
  const QCommandLineOption ct(
      "ct", "CT volume (NIfTI, HU) or folder of them; repeatable. Default: the phantom.",
      "FILE_OR_DIR");
  const QCommandLineOption lungSeg(
      "lung-seg",
      "Lung masks for the CTs: a file, or a folder with <ct name>.nii.gz or "
      "<ct name>_seg.nii.gz. Default: lungs found as air inside the body.",
      "FILE_OR_DIR");
  const QCommandLineOption entities(
      "entities",
      "Probability per pair of each finding, e.g. "
      "CO=0.15,PL=0.15,PN=0.15,CA=0.15,FL=0.15,EX=0.5 (consolidation, pleural "
      "effusion, pneumothorax, cardiomegaly, fluid overload, external devices).",
      "LIST");
  const QCommandLineOption decay(
      "decay", "Multiply the next finding's probability by D after each one (default 1).", "D");
  const QCommandLineOption rotation("rotation", "Rotation limits in degrees (default 17.5,37.5).",
                                    "MAX_AXIS,MAX_SUM");
  const QCommandLineOption perCase(
      "pairs-per-case", "Pairs per case folder (default: 1 for the phantom, N / CTs with CTs).",
      "K");
  const QCommandLineOption threads("threads", "Worker threads (default: every core).", "T");
  const QCommandLineOption profile(
      "profile",
      "Generator settings to start from: reference (the reference's probabilities and "
      "rotations, default) or demo (most pairs change, large findings, rotations of at most "
      "2 degrees: learnable by a small model on a CPU). The options below override it.",
      "NAME", "reference");
  const QCommandLineOption minChange(
      "min-change",
      "Draw a pair again (up to 8 times) while less than this fraction of its pixels change "
      "(default: 0, or 0.01 with --profile demo).",
      "FRACTION");
  parser.addOptions({count, output, seed, size, profile, ct, lungSeg, entities, decay, rotation,
                     minChange, perCase, threads});
  if (!parseArguments(
          parser, arguments, "synth",
          "Generate synthetic longitudinal chest X-ray pairs: DIR/case_XXX/pair_YYY/{prior,current,"
          "diff_map}.nii.gz, params.json and preview.png. Interrupted runs continue where they "
          "stopped.")) {
    return kExitOk;
  }
  if (!parser.positionalArguments().isEmpty()) {
    throw UsageError("synth takes no positional argument (got '" +
                     toStd(parser.positionalArguments().first()) + "')");
  }
  if (!parser.isSet(count))
    throw UsageError("synth needs -n N, the number of pairs");
  if (!parser.isSet(output))
    throw UsageError("synth needs -o DIR, the output folder");

  synth::SynthJob job;
  job.options = synth::synthProfile(toStd(parser.value(profile)));
  job.count = positiveInt(parser.value(count), "-n");
  job.outputDir = toStd(parser.value(output));
  if (parser.isSet(seed)) {
    bool ok = false;
    job.seed = parser.value(seed).toULongLong(&ok);
    if (!ok)
      throw UsageError("--seed expects a non-negative integer (got '" + toStd(parser.value(seed)) +
                       "')");
  }
  if (parser.isSet(size))
    job.options.size = positiveInt(parser.value(size), "--size");
  for (const QString& value : parser.values(ct))
    job.ctInputs.push_back(toStd(value));
  for (const QString& value : parser.values(lungSeg))
    job.lungSegInputs.push_back(toStd(value));
  if (parser.isSet(entities))
    job.options.probabilities = synth::parseEntityProbabilities(toStd(parser.value(entities)));
  if (parser.isSet(decay)) {
    bool ok = false;
    job.options.decay = parser.value(decay).toDouble(&ok);
    if (!ok)
      throw UsageError("--decay expects a number (got '" + toStd(parser.value(decay)) + "')");
  }
  if (parser.isSet(rotation))
    synth::parseRotationLimits(toStd(parser.value(rotation)), job.options);
  if (parser.isSet(minChange)) {
    bool ok = false;
    job.options.minChangedFraction = parser.value(minChange).toDouble(&ok);
    if (!ok || job.options.minChangedFraction < 0.0 || job.options.minChangedFraction > 1.0)
      throw UsageError("--min-change expects a fraction between 0 and 1 (got '" +
                       toStd(parser.value(minChange)) + "')");
  }
  if (parser.isSet(perCase))
    job.pairsPerCase = positiveInt(parser.value(perCase), "--pairs-per-case");
  if (parser.isSet(threads))
    job.threads = positiveInt(parser.value(threads), "--threads");

  synth::DatasetSynthesizer synthesizer(job);
  ProgressBar bar("pairs");
  size_t baseline = 0;
  bool first = true;
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  synth::SynthReport report;
  try {
    report = synthesizer.run(
        [&](const synth::SynthProgress& p) {
          if (first) {
            baseline = p.skipped;
            first = false;
          }
          bar.update(p.done, p.total, baseline);
        },
        &interrupted);
  } catch (const Error& e) {
    bar.finish();
    if (interrupted) {
      std::cerr << "longmim: " << e.what() << '\n';
      return kExitInterrupted;
    }
    throw;
  }
  bar.finish();
  std::cout << "Generated " << report.generated << " pair" << (report.generated == 1 ? "" : "s");
  if (report.skipped)
    std::cout << " (" << report.skipped << " already complete)";
  std::cout << " in " << job.outputDir << " (" << report.seconds << " s";
  if (report.generated && report.seconds > 0)
    std::cout << ", " << report.generated / report.seconds << " pairs/s";
  std::cout << ")\n";
  return kExitOk;
}

}  // namespace longmim::cli
