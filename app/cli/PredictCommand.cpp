#include "PredictCommand.h"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "CliCommon.h"
#include "Error.h"
#include "data/PairIndex.h"
#include "infer/Predictor.h"
#include "io/AtomicFile.h"
#include "io/DiffOverlay.h"
#include "io/NiftiIO.h"
#include "io/PngWriter.h"
#include "io/RadiographIO.h"

namespace fs = std::filesystem;

namespace longmim::cli {
namespace {

bool isNiftiName(const std::string& path) {
  auto endsWith = [&](const char* s) {
    const std::string suffix(s);
    return path.size() > suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return endsWith(".nii") || endsWith(".nii.gz");
}

void writeOverlay(const std::string& path, const std::string& current, const Image2D& map) {
  const Image2D image = readAnyImage2D(current);
  writeRgbPng(path, image.rows, image.cols, renderDiffOverlay(image, map));
}

// pred.nii.gz -> pred_overlay.png
std::string overlayNameFor(const std::string& niftiPath) {
  std::string stem = niftiPath;
  for (const char* suffix : {".nii.gz", ".nii"}) {
    const std::string s(suffix);
    if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0) {
      stem.resize(stem.size() - s.size());
      break;
    }
  }
  return stem + "_overlay.png";
}

// The two X-rays' dates and the interval, when the files have them (DICOM).
void printDates(const RadiographInfo& prior, const RadiographInfo& current) {
  if (prior.date.empty() && current.date.empty())
    return;
  auto dated = [](const RadiographInfo& info) {
    return info.date.empty() ? std::string("date unknown") : info.date + " (" + info.dateKind + ")";
  };
  std::cout << "Prior " << dated(prior) << ", follow-up " << dated(current);
  const StudyInterval interval = describeInterval(prior, current);
  if (!interval.text.empty())
    std::cout << ": " << interval.text;
  std::cout << "\n";
  if (interval.warning)
    std::cerr << "Warning: " << interval.text << "\n";
}

std::string metricsText(const PairMetrics& m) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(5) << "L1 " << m.l1 << "  L2 " << m.l2 << "  SSIM "
      << m.ssim << std::setprecision(3) << "  r " << m.pearson << "  AUC " << m.auc;
  if (m.l1Zeros > 0.0)
    out << std::setprecision(2) << "  (L1 " << m.l1 / m.l1Zeros << "x zeros)";
  return out.str();
}

// Per field, the mean over the pairs where it is defined (r and AUC need change).
PairMetrics meanOf(const std::vector<PairMetrics>& all) {
  auto mean = [&](double PairMetrics::*field) {
    double sum = 0.0;
    size_t n = 0;
    for (const PairMetrics& m : all) {
      if (std::isfinite(m.*field)) {
        sum += m.*field;
        ++n;
      }
    }
    return n ? sum / static_cast<double>(n) : std::nan("");
  };
  PairMetrics m;
  m.l1 = mean(&PairMetrics::l1);
  m.l2 = mean(&PairMetrics::l2);
  m.ssim = mean(&PairMetrics::ssim);
  m.maskedL1 = mean(&PairMetrics::maskedL1);
  m.pearson = mean(&PairMetrics::pearson);
  m.auc = mean(&PairMetrics::auc);
  m.l1Zeros = mean(&PairMetrics::l1Zeros);
  return m;
}

int predictDataset(const Predictor& predictor, const std::string& dataDir,
                   const std::string& outDir) {
  const PairIndex index = PairIndex::scan(dataDir);
  const std::vector<CaseEntry> cases = index.validCases();
  if (cases.empty())
    throw DataError(dataDir,
                    dataDir + ": no valid case to predict; see longmim data check " + dataDir);
  std::error_code ec;
  fs::create_directories(outDir, ec);
  if (ec)
    throw Error("cannot create the output folder " + outDir + ": " + ec.message());
  std::string csv = "case,l1,l2,ssim\n";
  std::vector<PairMetrics> measured;
  for (const CaseEntry& c : cases) {
    const Prediction p = predictor.predictFiles(c.priorPath, c.currentPath, c.diffPath);
    const fs::path folder = fs::path(outDir) / c.name;
    fs::create_directories(folder, ec);
    if (ec)
      throw Error("cannot create " + folder.string() + ": " + ec.message());
    writeImage2D(p.map, (folder / "prediction.nii.gz").string());
    writeOverlay((folder / "overlay.png").string(), c.currentPath, p.map);
    std::cout << std::left << std::setw(28) << c.name;
    if (p.metrics) {
      std::cout << metricsText(*p.metrics);
      std::ostringstream row;
      row << c.name << "," << p.metrics->l1 << "," << p.metrics->l2 << "," << p.metrics->ssim
          << "\n";
      csv += row.str();
      measured.push_back(*p.metrics);
    }
    std::cout << "\n";
  }
  if (!measured.empty()) {
    std::cout << std::left << std::setw(28) << "mean" << metricsText(meanOf(measured)) << "  ("
              << measured.size() << " cases; longmim evaluate compares with the baselines)\n";
    writeFileAtomically((fs::path(outDir) / "metrics.csv").string(), csv);
  }
  std::cout << "Predictions of " << cases.size() << " cases in " << outDir << "\n";
  return kExitOk;
}

}  // namespace

int predict(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.addPositionalArgument("PRIOR", "Baseline X-ray: NIfTI, DICOM, PNG or JPEG.");
  parser.addPositionalArgument("CURRENT", "Follow-up X-ray: NIfTI, DICOM, PNG or JPEG.");
  const QCommandLineOption checkpoint("checkpoint", "Checkpoint of a training run (required).",
                                      "CKPT");
  const QCommandLineOption output({"o", "output"},
                                  "Output .nii.gz for a pair; output folder with --data.", "OUT");
  const QCommandLineOption png(
      "png",
      "Where to write the follow-up with the prediction overlaid (default: OUT with "
      "_overlay.png for .nii.gz).",
      "OUT.png");
  const QCommandLineOption truth("ground-truth",
                                 "Ground-truth difference map: report L1 / L2 / SSIM.", "GT");
  const QCommandLineOption data(
      "data", "Predict every valid case of this dataset folder instead of one pair.", "DIR");
  parser.addOptions({checkpoint, output, png, truth, data});
  if (!parseArguments(
          parser, arguments, "predict",
          "Predict the difference map of a pair (in the follow-up's size and orientation) or of "
          "every case of a dataset, with L1 / L2 / SSIM when the ground truth is there.")) {
    return kExitOk;
  }
  if (!parser.isSet(checkpoint))
    throw UsageError("predict needs --checkpoint CKPT");
  if (!parser.isSet(output))
    throw UsageError("predict needs -o OUT");
  const std::string out = toStd(parser.value(output));
  const QStringList positional = parser.positionalArguments();
  if (parser.isSet(data)) {
    if (!positional.isEmpty())
      throw UsageError("predict --data takes no PRIOR / CURRENT");
    const Predictor predictor(toStd(parser.value(checkpoint)));
    return predictDataset(predictor, toStd(parser.value(data)), out);
  }
  if (positional.size() != 2) {
    throw UsageError("predict needs PRIOR and CURRENT (got " + std::to_string(positional.size()) +
                     " files)");
  }
  if (!isNiftiName(out))
    throw UsageError("-o must name a .nii or .nii.gz file (got '" + out + "')");
  const Predictor predictor(toStd(parser.value(checkpoint)));
  const Prediction p = predictor.predictFiles(toStd(positional[0]), toStd(positional[1]),
                                              toStd(parser.value(truth)));
  const std::string priorPath = toStd(positional[0]);
  const std::string currentPath = toStd(positional[1]);
  printDates(readRadiograph(priorPath).info, readRadiograph(currentPath).info);
  writeImage2D(p.map, out);
  std::cout << "Prediction: " << out << " (" << p.map.cols << "x" << p.map.rows
            << ", the follow-up's size and spacing)\n";
  const std::string overlay = parser.isSet(png) ? toStd(parser.value(png)) : overlayNameFor(out);
  writeOverlay(overlay, currentPath, p.map);
  std::cout << "Overlay: " << overlay << "\n";
  if (p.metrics)
    std::cout << metricsText(*p.metrics) << "\n";
  return kExitOk;
}

}  // namespace longmim::cli
