#include "config/ConfigValidation.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "Error.h"
#include "config/ConfigSchema.h"

namespace longmim {
namespace {

std::string formatValue(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool inRange(const ConfigField& field, double v) {
  if (!std::isfinite(v))
    return false;
  if (field.minExclusive ? !(v > field.min) : !(v >= field.min))
    return false;
  if (field.maxExclusive ? !(v < field.max) : !(v <= field.max))
    return false;
  return true;
}

void checkField(const TrainingConfig& config, const ConfigField& field,
                std::vector<ConfigProblem>& problems) {
  auto fail = [&](const std::string& got) {
    problems.push_back(
        {field.key, field.key + " must be " + field.allowedText() + " (got " + got + ")"});
  };
  if (field.isInt()) {
    const int v = config.*std::get<int TrainingConfig::*>(field.member);
    if (!inRange(field, v) || v % field.multipleOf != 0)
      fail(std::to_string(v));
  } else if (field.isDouble()) {
    const double v = config.*std::get<double TrainingConfig::*>(field.member);
    if (!inRange(field, v))
      fail(formatValue(v));
  } else if (field.isString() && !field.choices.empty()) {
    const std::string& v = config.*std::get<std::string TrainingConfig::*>(field.member);
    bool known = false;
    for (const std::string& choice : field.choices)
      known = known || choice == v;
    if (!known)
      fail("'" + v + "'");
  }
}

}  // namespace

std::vector<ConfigProblem> checkConfigFiles(const TrainingConfig& c) {
  std::vector<ConfigProblem> problems;
  if (c.usePercStyle && !c.vggWeights.empty() &&
      !std::ifstream(c.vggWeights, std::ios::binary).is_open()) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(c.vggWeights, ec);
    problems.push_back({"VGG_WEIGHTS", "VGG_WEIGHTS " + c.vggWeights +
                                           (exists ? " cannot be read" : " does not exist") +
                                           ": choose the VGG19-BN state-dict file or turn "
                                           "USE_PERC_STYLE off"});
  }
  return problems;
}

std::vector<ConfigProblem> configWarnings(const TrainingConfig& c) {
  std::vector<ConfigProblem> warnings;
  if (c.useGan && c.ganStartEpoch > c.epochs) {
    warnings.push_back(
        {"GAN_START_EPOCH", "USE_GAN is on but GAN_START_EPOCH " + std::to_string(c.ganStartEpoch) +
                                " is after the last epoch (" + std::to_string(c.epochs) +
                                "): the adversarial term will never be used"});
  }
  return warnings;
}

std::vector<ConfigProblem> validateConfig(const TrainingConfig& c) {
  std::vector<ConfigProblem> problems;
  for (const ConfigField& field : configFields())
    checkField(c, field, problems);

  // RUN_NAME is the run folder itself (OUTPUT_DIR/<RUN_NAME>/): one path component.
  if (c.runName == "." || c.runName == ".." || c.runName.find('/') != std::string::npos) {
    problems.push_back({"RUN_NAME", "RUN_NAME '" + c.runName +
                                        "' must be one folder name (no '/', not '.' or '..')"});
  }
  if (c.claheProb + c.sharpenProb > 1.0 + 1e-12) {
    problems.push_back({"SHARPEN_PROB", "CLAHE_PROB + SHARPEN_PROB must not exceed 1 (got " +
                                            formatValue(c.claheProb) + " + " +
                                            formatValue(c.sharpenProb) + ")"});
  }
  if (c.claheClipMin > c.claheClipMax) {
    problems.push_back({"CLAHE_CLIP_MAX", "CLAHE_CLIP_MAX must be >= CLAHE_CLIP_MIN (got " +
                                              formatValue(c.claheClipMax) + " < " +
                                              formatValue(c.claheClipMin) + ")"});
  }
  if (c.sharpenFactorMin > c.sharpenFactorMax) {
    problems.push_back(
        {"SHARPEN_FACTOR_MAX", "SHARPEN_FACTOR_MAX must be >= SHARPEN_FACTOR_MIN (got " +
                                   std::to_string(c.sharpenFactorMax) + " < " +
                                   std::to_string(c.sharpenFactorMin) + ")"});
  }
  if (c.beta1Min > c.beta1Max) {
    problems.push_back({"BETA1_MIN", "BETA1_MIN must be <= BETA1_MAX (got " +
                                         formatValue(c.beta1Min) + " > " + formatValue(c.beta1Max) +
                                         ")"});
  }
  if (c.usePercStyle && c.vggWeights.empty()) {
    problems.push_back(
        {"VGG_WEIGHTS",
         "USE_PERC_STYLE needs VGG_WEIGHTS: a state-dict file of torchvision's ImageNet VGG19-BN "
         "(for example vgg19_bn-c79401a0.pth, or torch.save(torchvision.models.vgg19_bn("
         "weights='IMAGENET1K_V1').state_dict(), 'vgg19_bn.pth') on a machine that has it). Set "
         "VGG_WEIGHTS to that file or turn USE_PERC_STYLE off"});
  }
  if (c.precision == "fp16") {
    // Accepted and silently ignored on CUDA before: refused until autocast + loss scaling exist.
    problems.push_back({"PRECISION",
                        "PRECISION fp16 (autocast with loss scaling) is not implemented in this "
                        "version; use fp32, or bf16 on the CPU"});
  }
  return problems;
}

void requireValidConfig(const TrainingConfig& config, const std::string& source) {
  const std::vector<ConfigProblem> problems = validateConfig(config);
  if (problems.empty())
    return;
  std::string message = source.empty() ? std::string() : source + ": ";
  message += problems.front().message;
  for (size_t i = 1; i < problems.size(); ++i)
    message += "; " + problems[i].message;
  throw ConfigError(problems.front().key, message);
}

}  // namespace longmim
