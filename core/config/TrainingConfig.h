// Every setting of a training run: the seed's constants plus data, model, output and runtime
// options.
#pragma once

#include <string>

namespace longmim {

// Member names are camelCase; the JSON keys, CLI --set keys and GUI labels are the seed's constant
// names (BATCH_SIZE, MAX_LR, ...), mapped in ConfigSchema.cpp. Defaults are the `paper` preset.
struct TrainingConfig {
  std::string preset = "paper";

  // Data
  std::string dataDir;  // empty: the embedded demo dataset
  int imgSize = 512;
  std::string resizeMode = "stretch";  // "stretch" | "pad"
  double valFraction = 0.1;
  int seed = 42;
  bool cacheImages = false;
  int prefetchBatches = 4;
  int loaderThreads = 1;

  // Augmentation (training only; validation preprocessing is deterministic)
  bool augment = true;
  double claheProb = 0.70;
  double sharpenProb = 0.26;
  double claheClipMin = 0.9;
  double claheClipMax = 1.25;
  int claheGrid = 8;
  double claheFuOwnClipProb = 0.5;
  double claheSharpenFactor = 4.0;
  int sharpenFactorMin = 6;
  int sharpenFactorMax = 8;
  double sharpenFuOwnFactorProb = 0.4;
  double flipProb = 0.0;
  double affineProb = 0.0;
  double affineMaxRotationDeg = 5.0;
  double affineMaxScale = 0.05;
  double affineMaxShift = 0.03;

  // Model
  std::string modelArch = "big";
  std::string modelSize = "paper";
  bool initWeights = true;
  std::string pretrainedWeights;
  std::string encoderWeights;
  bool weightsStrict = true;
  double dropout = 0.1;
  bool learnedDeadBand = false;

  // Optimisation
  int epochs = 10;
  int batchSize = 4;
  int updateEveryBatches = 12;
  double maxLr = 6e-4;
  double weightDecay = 1e-2;
  double pctStart = 0.15;
  double divFactor = 25.0;
  double finalDivFactor = 1e4;
  double beta1Max = 0.95;
  double beta1Min = 0.85;
  double beta2 = 0.999;
  double adamEps = 1e-8;
  double gradClipNorm = 0.0;
  std::string precision = "auto";
  std::string device = "auto";
  int numThreads = 0;  // 0: all cores
  bool syncBatchNorm = false;
  bool activationCheckpointing = false;
  int logEveryBatches = 10;

  // Losses
  bool useL1 = true;
  bool useL2 = true;
  bool useSsim = false;
  bool usePercStyle = false;
  bool useFourier = false;
  bool useGan = false;
  double lambdaL1All = 1.0;
  double lambdaL1Masked = 1.0;
  double lambdaL2 = 1.0;
  double lambdaSsim = 1.5;
  double lambdaP = 2.0;
  double lambdaS = 2.0;
  double lambdaFourier = 0.05;
  double lambdaGan = 0.5;
  int ganStartEpoch = 13;
  double changeThreshold = 0.015;
  std::string ssimMode = "ssim";
  std::string vggWeights;

  // Output
  std::string outputDir;  // empty: <XDG data home>/longitudinal-mim-studio/runs
  std::string runName;    // empty: longitudinal_mim_<timestamp>
  int saveEveryEpochs = 1;
  bool tensorboard = false;
  std::string tensorboardDir = "runs";

  bool operator==(const TrainingConfig& other) const;
  bool operator!=(const TrainingConfig& other) const { return !(*this == other); }
};

}  // namespace longmim
