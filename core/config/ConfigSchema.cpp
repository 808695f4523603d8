#include "config/ConfigSchema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace longmim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ConfigField makeField(const char* key, ConfigGroup group, ConfigMember member, const char* help) {
  ConfigField f;
  f.key = key;
  f.group = group;
  f.member = member;
  f.help = help;
  return f;
}

// Small builders keep the table below readable: one line per key plus its help text.
ConfigField boolField(const char* key, ConfigGroup group, bool TrainingConfig::*member,
                      const char* help, RunEdit edit = RunEdit::Locked) {
  ConfigField f = makeField(key, group, member, help);
  f.runEdit = edit;
  return f;
}

ConfigField intField(const char* key, ConfigGroup group, int TrainingConfig::*member, double min,
                     double max, const char* help, int multipleOf = 1) {
  ConfigField f = makeField(key, group, member, help);
  f.min = min;
  f.max = max;
  f.multipleOf = multipleOf;
  return f;
}

struct Bounds {
  double min;
  double max;
  bool minExclusive = false;
  bool maxExclusive = false;
};

ConfigField doubleField(const char* key, ConfigGroup group, double TrainingConfig::*member,
                        Bounds bounds, const char* help, RunEdit edit = RunEdit::Locked) {
  ConfigField f = makeField(key, group, member, help);
  f.min = bounds.min;
  f.max = bounds.max;
  f.minExclusive = bounds.minExclusive;
  f.maxExclusive = bounds.maxExclusive;
  f.runEdit = edit;
  return f;
}

ConfigField choiceField(const char* key, ConfigGroup group, std::string TrainingConfig::*member,
                        std::vector<std::string> choices, const char* help) {
  ConfigField f = makeField(key, group, member, help);
  f.choices = std::move(choices);
  return f;
}

ConfigField pathField(const char* key, ConfigGroup group, std::string TrainingConfig::*member,
                      const char* help) {
  ConfigField f = makeField(key, group, member, help);
  f.isPath = true;
  return f;
}

ConfigField textField(const char* key, ConfigGroup group, std::string TrainingConfig::*member,
                      const char* help) {
  return makeField(key, group, member, help);
}

std::vector<ConfigField> buildFields() {
  using C = TrainingConfig;
  using G = ConfigGroup;
  const Bounds unit{0.0, 1.0};
  const Bounds nonNegative{0.0, kInf};
  const RunEdit live = RunEdit::Live;
  std::vector<ConfigField> f;

  f.push_back(choiceField("PRESET", G::Data, &C::preset, {"paper", "cpu-demo", "tiny"},
                          "The preset this configuration started from: paper (the seed's values, "
                          "512 px, full model), cpu-demo (small, a falling loss within a minute on "
                          "2 cores) or tiny (tests)."));

  // Data
  f.push_back(pathField("DATA_DIR", G::Data, &C::dataDir,
                        "Folder searched recursively for case folders holding prior, current and "
                        "diff_map NIfTI files. Empty: the embedded demo dataset."));
  f.push_back(intField("IMG_SIZE", G::Data, &C::imgSize, 32, 2048,
                       "Side of the square images the model sees, in pixels. Every image is "
                       "resized to it.",
                       32));
  f.push_back(choiceField("RESIZE_MODE", G::Data, &C::resizeMode, {"stretch", "pad"},
                          "How an image of any aspect ratio becomes the IMG_SIZE square: stretch "
                          "(each axis on its own, as the reference does) or pad (centred on a "
                          "square, the proportions kept). Predictions are mapped back to the "
                          "follow-up's own size either way."));
  f.push_back(doubleField("VAL_FRACTION", G::Data, &C::valFraction, {0.0, 0.9},
                          "Fraction of cases (never of pairs) held out for validation. The split "
                          "is deterministic from SEED."));
  f.push_back(intField("SEED", G::Data, &C::seed, 0, 2147483647,
                       "Seed of the split, the augmentation, the shuffling and the weight "
                       "initialisation."));
  f.push_back(boolField("CACHE_IMAGES", G::Data, &C::cacheImages,
                        "Keep decoded, resized images in memory after their first use "
                        "(IMG_SIZE^2 x 12 bytes per pair)."));
  f.push_back(intField("PREFETCH_BATCHES", G::Data, &C::prefetchBatches, 1, 64,
                       "Batches prepared ahead of the trainer on the loader's background "
                       "threads."));
  f.push_back(intField("LOADER_THREADS", G::Data, &C::loaderThreads, 1, 64,
                       "Background threads that read and preprocess pairs."));

  // Augmentation
  f.push_back(boolField("AUGMENT", G::Augmentation, &C::augment,
                        "Random CLAHE / sharpening (and optional flips and affine) on training "
                        "pairs. Validation is never augmented."));
  f.push_back(
      doubleField("CLAHE_PROB", G::Augmentation, &C::claheProb, unit,
                  "Probability of CLAHE followed by sharpening (the reference uses 0.70)."));
  f.push_back(doubleField("SHARPEN_PROB", G::Augmentation, &C::sharpenProb, unit,
                          "Probability of sharpening alone (the reference uses 0.26). "
                          "CLAHE_PROB + SHARPEN_PROB must not exceed 1."));
  f.push_back(doubleField("CLAHE_CLIP_MIN", G::Augmentation, &C::claheClipMin, {0.0, 100.0, true},
                          "Lower end of the uniformly drawn CLAHE clip limit."));
  f.push_back(doubleField("CLAHE_CLIP_MAX", G::Augmentation, &C::claheClipMax, {0.0, 100.0, true},
                          "Upper end of the uniformly drawn CLAHE clip limit."));
  f.push_back(intField("CLAHE_GRID", G::Augmentation, &C::claheGrid, 1, 64,
                       "CLAHE tiles per side (the reference uses 8 x 8)."));
  f.push_back(doubleField("CLAHE_FU_OWN_CLIP_PROB", G::Augmentation, &C::claheFuOwnClipProb, unit,
                          "Probability that the follow-up draws its own CLAHE clip limit instead "
                          "of sharing the baseline's."));
  f.push_back(doubleField("CLAHE_SHARPEN_FACTOR", G::Augmentation, &C::claheSharpenFactor,
                          {0.0, 20.0}, "Sharpness factor applied after CLAHE."));
  f.push_back(intField("SHARPEN_FACTOR_MIN", G::Augmentation, &C::sharpenFactorMin, 0, 20,
                       "Smallest integer sharpness factor of the sharpen-only branch."));
  f.push_back(intField("SHARPEN_FACTOR_MAX", G::Augmentation, &C::sharpenFactorMax, 0, 20,
                       "Largest integer sharpness factor of the sharpen-only branch."));
  f.push_back(doubleField("SHARPEN_FU_OWN_FACTOR_PROB", G::Augmentation, &C::sharpenFuOwnFactorProb,
                          unit, "Probability that the follow-up draws its own sharpness factor."));
  f.push_back(doubleField("FLIP_PROB", G::Augmentation, &C::flipProb, unit,
                          "Probability of a left-right flip of the whole pair and its difference "
                          "map."));
  f.push_back(doubleField("AFFINE_PROB", G::Augmentation, &C::affineProb, unit,
                          "Probability of a small random affine transform applied identically to "
                          "baseline, follow-up and difference map."));
  f.push_back(doubleField("AFFINE_MAX_ROTATION", G::Augmentation, &C::affineMaxRotationDeg,
                          {0.0, 45.0}, "Largest rotation of the affine augmentation, in degrees."));
  f.push_back(doubleField("AFFINE_MAX_SCALE", G::Augmentation, &C::affineMaxScale, {0.0, 0.5},
                          "Largest relative zoom of the affine augmentation (0.05 = +-5%)."));
  f.push_back(doubleField("AFFINE_MAX_SHIFT", G::Augmentation, &C::affineMaxShift, {0.0, 0.5},
                          "Largest shift of the affine augmentation, as a fraction of the image "
                          "side."));

  // Model
  f.push_back(choiceField("MODEL_ARCH", G::Model, &C::modelArch, {"big", "reference"},
                          "big: dual encoder + transformer + difference attention + U-Net decoder "
                          "(the seed's LongitudinalMIMModelBig); reference: the public reference "
                          "implementation, state-dict compatible."));
  f.push_back(
      choiceField("MODEL_SIZE", G::Model, &C::modelSize, {"paper", "cpu-demo", "tiny"},
                  "Widths and depths of the architecture: paper (full), cpu-demo (small) or "
                  "tiny (tests)."));
  f.push_back(boolField("INIT_WEIGHTS", G::Model, &C::initWeights,
                        "Initialise as the reference does (Kaiming convolutions, Xavier gain 5/3 "
                        "for the last one, norms 1/0)."));
  f.push_back(pathField("PRETRAINED_WEIGHTS", G::Model, &C::pretrainedWeights,
                        "Optional state-dict file loaded into the whole model before training."));
  f.push_back(pathField("ENCODER_WEIGHTS", G::Model, &C::encoderWeights,
                        "Optional state-dict file loaded into the encoder only."));
  f.push_back(boolField("WEIGHTS_STRICT", G::Model, &C::weightsStrict,
                        "Weight files must match the model exactly (no missing, unexpected or "
                        "mis-shaped keys)."));
  f.push_back(doubleField("DROPOUT", G::Model, &C::dropout, {0.0, 1.0, false, true},
                          "Dropout2d probability of the fusion blocks."));
  f.push_back(boolField("LEARNED_DEAD_BAND", G::Model, &C::learnedDeadBand,
                        "The output passes a dead band around zero whose width "
                        "the model learns, so that unchanged pixels can be predicted as exactly "
                        "zero (the truth is zero there) instead of a faint haze."));

  // Optimisation
  f.push_back(intField("LONGITUDINAL_MIM_EPOCHS", G::Optimisation, &C::epochs, 1, 100000,
                       "Number of training epochs; also the length of the one-cycle schedule."));
  f.push_back(
      intField("BATCH_SIZE", G::Optimisation, &C::batchSize, 1, 4096, "Pairs per forward pass."));
  f.push_back(intField("UPDATE_EVERY_BATCHES", G::Optimisation, &C::updateEveryBatches, 1, 10000,
                       "Batches whose gradients are accumulated before each optimizer step "
                       "(effective batch = BATCH_SIZE x UPDATE_EVERY_BATCHES)."));
  f.push_back(doubleField("MAX_LR", G::Optimisation, &C::maxLr, {0.0, 10.0, true},
                          "Peak learning rate of the one-cycle schedule (AdamW)."));
  f.push_back(doubleField("WEIGHT_DECAY", G::Optimisation, &C::weightDecay, {0.0, 10.0},
                          "AdamW decoupled weight decay."));
  f.push_back(doubleField("PCT_START", G::Optimisation, &C::pctStart, {0.0, 1.0, true, true},
                          "Fraction of the schedule spent warming up to MAX_LR."));
  f.push_back(doubleField("DIV_FACTOR", G::Optimisation, &C::divFactor, {0.0, 1e6, true},
                          "Initial learning rate = MAX_LR / DIV_FACTOR."));
  f.push_back(doubleField("FINAL_DIV_FACTOR", G::Optimisation, &C::finalDivFactor,
                          {0.0, 1e12, true},
                          "Final learning rate = initial learning rate / FINAL_DIV_FACTOR."));
  f.push_back(doubleField("BETA1_MAX", G::Optimisation, &C::beta1Max, {0.0, 1.0, false, true},
                          "AdamW beta1 at the start and end of the cycle."));
  f.push_back(doubleField("BETA1_MIN", G::Optimisation, &C::beta1Min, {0.0, 1.0, false, true},
                          "AdamW beta1 at the learning-rate peak."));
  f.push_back(
      doubleField("BETA2", G::Optimisation, &C::beta2, {0.0, 1.0, false, true}, "AdamW beta2."));
  f.push_back(
      doubleField("ADAM_EPS", G::Optimisation, &C::adamEps, {0.0, 1.0, true}, "AdamW epsilon."));
  f.push_back(doubleField("GRAD_CLIP_NORM", G::Optimisation, &C::gradClipNorm, nonNegative,
                          "Clip the global gradient norm to this value before each step; 0 turns "
                          "clipping off (the reference does not clip)."));
  f.push_back(choiceField("PRECISION", G::Optimisation, &C::precision,
                          {"auto", "fp32", "fp16", "bf16"},
                          "auto and fp32: 32-bit floats. bf16: bfloat16 forward passes on the CPU, "
                          "where the processor supports it. fp16 (the reference's autocast with "
                          "a gradient scaler on CUDA) is not implemented and is refused."));
  f.push_back(choiceField("DEVICE", G::Optimisation, &C::device, {"auto", "cpu", "cuda"},
                          "auto: CUDA when LibTorch sees a GPU, otherwise the CPU."));
  f.push_back(intField("NUM_THREADS", G::Optimisation, &C::numThreads, 0, 1024,
                       "CPU threads for tensor operations; 0 uses every core."));
  f.push_back(
      boolField("SYNC_BATCHNORM", G::Optimisation, &C::syncBatchNorm,
                "With several worker processes: BatchNorm normalises with the statistics "
                "of the whole group's batch (SyncBatchNorm), so W workers x BATCH_SIZE "
                "train as one process x W*BATCH_SIZE; off, each worker uses its own "
                "batch (DDP's default). Costs one all-reduce per BatchNorm layer and pass."));
  f.push_back(
      boolField("ACTIVATION_CHECKPOINTING", G::Optimisation, &C::activationCheckpointing,
                "Keep fewer activations for the backward pass and compute them again there "
                "(gradient checkpointing of the encoder blocks, the convolution stacks and the "
                "decoder stages): the same results for much less memory and about a third "
                "more time per step. For large images or batches that do not fit otherwise."));
  f.push_back(intField("LOG_EVERY_BATCHES", G::Optimisation, &C::logEveryBatches, 1, 1000000,
                       "Batches between two logged training points (console, curves, "
                       "metrics.csv)."));

  // Losses: toggles and lambdas may change while a run is in progress.
  f.push_back(boolField("USE_L1", G::Losses, &C::useL1,
                        "L1 terms: over all pixels (LAMBDA_L1_ALL) and over the change mask "
                        "(LAMBDA_L1_MASKED).",
                        live));
  f.push_back(boolField("USE_L2", G::Losses, &C::useL2, "Mean squared error (LAMBDA_L2).", live));
  f.push_back(boolField("USE_SSIM", G::Losses, &C::useSsim, "1 - SSIM (LAMBDA_SSIM).", live));
  f.push_back(boolField("USE_PERC_STYLE", G::Losses, &C::usePercStyle,
                        "VGG19-BN perceptual (LAMBDA_P) and style (LAMBDA_S) terms; needs "
                        "VGG_WEIGHTS.",
                        live));
  f.push_back(boolField("USE_FOURIER", G::Losses, &C::useFourier,
                        "L1 between log-amplitude spectra (LAMBDA_FOURIER).", live));
  f.push_back(boolField("USE_GAN", G::Losses, &C::useGan,
                        "Adversarial term from GAN_START_EPOCH on (LAMBDA_GAN).", live));
  f.push_back(doubleField("LAMBDA_L1_ALL", G::Losses, &C::lambdaL1All, nonNegative,
                          "Weight of the L1 error over all pixels.", live));
  f.push_back(doubleField("LAMBDA_L1_MASKED", G::Losses, &C::lambdaL1Masked, nonNegative,
                          "Weight of the L1 error inside the change mask |gt| > CHANGE_THRESHOLD.",
                          live));
  f.push_back(doubleField("LAMBDA_L2", G::Losses, &C::lambdaL2, nonNegative,
                          "Weight of the mean squared error.", live));
  f.push_back(doubleField("LAMBDA_SSIM", G::Losses, &C::lambdaSsim, nonNegative,
                          "Weight of 1 - SSIM.", live));
  f.push_back(doubleField("LAMBDA_P", G::Losses, &C::lambdaP, nonNegative,
                          "Weight of the perceptual term.", live));
  f.push_back(doubleField("LAMBDA_S", G::Losses, &C::lambdaS, nonNegative,
                          "Weight of the style term.", live));
  f.push_back(doubleField("LAMBDA_FOURIER", G::Losses, &C::lambdaFourier, nonNegative,
                          "Weight of the Fourier term.", live));
  f.push_back(doubleField("LAMBDA_GAN", G::Losses, &C::lambdaGan, nonNegative,
                          "Weight of the generator's adversarial term.", live));
  f.push_back(intField("GAN_START_EPOCH", G::Losses, &C::ganStartEpoch, 1, 100000,
                       "First epoch (1-based) with the adversarial term and discriminator "
                       "steps."));
  f.push_back(doubleField("CHANGE_THRESHOLD", G::Losses, &C::changeThreshold, {0.0, 10.0},
                          "A pixel belongs to the change mask when |ground truth| exceeds this."));
  f.push_back(choiceField("SSIM_MODE", G::Losses, &C::ssimMode, {"ssim", "ms-ssim"},
                          "Single-scale SSIM or the reference's multi-scale MS-SSIM."));
  f.push_back(pathField("VGG_WEIGHTS", G::Losses, &C::vggWeights,
                        "State-dict file of torchvision's VGG19-BN (ImageNet) with torchvision's "
                        "key names; required by USE_PERC_STYLE."));

  // Output
  f.push_back(pathField("OUTPUT_DIR", G::Output, &C::outputDir,
                        "Folder that receives one run folder per training run. Empty: "
                        "<XDG data home>/longitudinal-mim-studio/runs."));
  f.push_back(
      textField("RUN_NAME", G::Output, &C::runName,
                "Name of the run folder, OUTPUT_DIR/<RUN_NAME>/ (the seed's -n/--save_name); "
                "empty: longitudinal_mim_<timestamp>."));
  f.push_back(intField("SAVE_EVERY_EPOCHS", G::Output, &C::saveEveryEpochs, 1, 100000,
                       "Epochs between two longitudinal_mim_epoch_N.pt checkpoints (the best "
                       "checkpoint is always kept)."));
  f.push_back(
      boolField("TENSORBOARD", G::Output, &C::tensorboard, "Write TensorBoard event files."));
  f.push_back(pathField("TENSORBOARD_DIR", G::Output, &C::tensorboardDir,
                        "Folder of the TensorBoard event files; each run writes to "
                        "<folder>/<run name>."));
  return f;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = std::toupper(static_cast<unsigned char>(a[i - 1])) ==
                        std::toupper(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

const char* groupName(ConfigGroup group) {
  switch (group) {
    case ConfigGroup::Data:
      return "Data";
    case ConfigGroup::Augmentation:
      return "Augmentation";
    case ConfigGroup::Model:
      return "Model";
    case ConfigGroup::Optimisation:
      return "Optimisation";
    case ConfigGroup::Losses:
      return "Losses";
    case ConfigGroup::Output:
      return "Output";
  }
  return "?";
}

const char* ConfigField::typeName() const {
  if (isBool())
    return "a boolean";
  if (isInt())
    return "an integer";
  if (isDouble())
    return "a number";
  return "a string";
}

std::string ConfigField::allowedText() const {
  if (isBool())
    return "true or false";
  if (isString()) {
    if (choices.empty())
      return isPath ? "a path (may be empty)" : "a string";
    std::string text = "one of: ";
    for (size_t i = 0; i < choices.size(); ++i)
      text += (i ? ", " : "") + choices[i];
    return text;
  }
  std::string text = typeName();
  const bool hasMin = std::isfinite(min);
  const bool hasMax = std::isfinite(max);
  if (hasMin && hasMax) {
    text += std::string(" in ") + (minExclusive ? "(" : "[") + formatNumber(min) + ", " +
            formatNumber(max) + (maxExclusive ? ")" : "]");
  } else if (hasMin) {
    text += std::string(minExclusive ? " > " : " >= ") + formatNumber(min);
  } else if (hasMax) {
    text += std::string(maxExclusive ? " < " : " <= ") + formatNumber(max);
  }
  if (isInt() && multipleOf > 1)
    text += ", a multiple of " + std::to_string(multipleOf);
  return text;
}

const std::vector<ConfigField>& configFields() {
  static const std::vector<ConfigField> fields = buildFields();
  return fields;
}

const ConfigField* findConfigField(const std::string& key) {
  for (const ConfigField& field : configFields()) {
    if (field.key == key)
      return &field;
  }
  return nullptr;
}

std::string closestConfigKey(const std::string& key) {
  std::string best;
  size_t bestDistance = std::max<size_t>(3, key.size() / 3) + 1;
  for (const ConfigField& field : configFields()) {
    const size_t d = editDistance(key, field.key);
    if (d < bestDistance) {
      bestDistance = d;
      best = field.key;
    }
  }
  return best;
}

}  // namespace longmim
