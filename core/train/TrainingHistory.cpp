#include "train/TrainingHistory.h"

#include <cmath>

namespace longmim {
namespace {

nlohmann::ordered_json componentsJson(const ComponentValues& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : values)
    out[name] = value;
  return out;
}

ComponentValues componentsFrom(const nlohmann::json& json) {
  ComponentValues values;
  if (!json.is_object())
    return values;
  for (const auto& [name, value] : json.items())
    values.emplace_back(name, value.get<double>());
  return values;
}

// JSON has no infinity: an absent best is written as null.
nlohmann::json finiteOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<double> findComponent(const ComponentValues& values, const std::string& name) {
  for (const auto& [n, v] : values) {
    if (n == name)
      return v;
  }
  return std::nullopt;
}

namespace {

double epochScore(const EpochRecord& epoch) {
  return epoch.valTotal ? *epoch.valTotal : epoch.trainTotal;
}

}  // namespace

bool TrainingHistory::addEpoch(EpochRecord epoch) {
  const double score = epochScore(epoch);
  const bool best = std::isfinite(score) && score < bestValLoss;
  const int number = epoch.epoch;
  addEpoch(std::move(epoch), best ? number : bestEpoch);
  return best;
}

void TrainingHistory::addEpoch(EpochRecord epoch, int best) {
  if (best == epoch.epoch)
    bestValLoss = epochScore(epoch);
  bestEpoch = best;
  for (EpochRecord& e : epochs)
    e.best = e.epoch == best;
  epoch.best = epoch.epoch == best;
  epochs.push_back(std::move(epoch));
}

nlohmann::ordered_json TrainingHistory::toJson() const {
  nlohmann::ordered_json out;
  nlohmann::ordered_json epochList = nlohmann::ordered_json::array();
  for (const EpochRecord& e : epochs) {
    nlohmann::ordered_json j;
    j["epoch"] = e.epoch;
    j["train_loss"] = e.trainTotal;
    j["train_components"] = componentsJson(e.trainComponents);
    j["val_loss"] =
        e.valTotal ? nlohmann::ordered_json(*e.valTotal) : nlohmann::ordered_json(nullptr);
    j["val_components"] = componentsJson(e.valComponents);
    if (e.valMetrics) {
      const ValidationMetrics& m = *e.valMetrics;
      j["val_metrics"] = {{"l1", finiteOrNull(m.l1)},
                          {"l1_zeros", finiteOrNull(m.l1Zeros)},
                          {"l1_subtraction", finiteOrNull(m.l1Subtraction)},
                          {"l1_ratio_to_zeros", finiteOrNull(m.l1RatioToZeros())},
                          {"ssim", finiteOrNull(m.ssim)},
                          {"masked_l1", finiteOrNull(m.maskedL1)},
                          {"pearson_r", finiteOrNull(m.pearson)},
                          {"auc", finiteOrNull(m.auc)},
                          {"pairs", m.pairs},
                          {"changed_pairs", m.changedPairs}};
    }
    j["learning_rate"] = e.learningRate;
    j["beta1"] = e.beta1;
    j["seconds"] = e.seconds;
    j["samples_per_second"] = e.samplesPerSecond;
    j["best"] = e.best;
    epochList.push_back(j);
  }
  out["epochs"] = epochList;
  nlohmann::ordered_json stepList = nlohmann::ordered_json::array();
  for (const StepRecord& s : steps) {
    stepList.push_back({{"epoch", s.epoch},
                        {"batch", s.batch},
                        {"batches_in_epoch", s.batchesInEpoch},
                        {"global_batch", s.globalBatch},
                        {"optimizer_step", s.optimizerStep},
                        {"total", s.total},
                        {"components", componentsJson(s.components)},
                        {"learning_rate", s.learningRate},
                        {"beta1", s.beta1},
                        {"samples_per_second", s.samplesPerSecond},
                        {"wall_seconds", s.wallSeconds}});
  }
  out["steps"] = stepList;
  nlohmann::ordered_json editList = nlohmann::ordered_json::array();
  for (const EditRecord& e : edits) {
    editList.push_back({{"epoch", e.epoch},
                        {"optimizer_step", e.optimizerStep},
                        {"key", e.key},
                        {"before", e.before},
                        {"after", e.after}});
  }
  out["edits"] = editList;
  out["best_epoch"] = bestEpoch;
  out["best_val_loss"] = finiteOrNull(bestValLoss);
  return out;
}

TrainingHistory TrainingHistory::fromJson(const nlohmann::json& json) {
  TrainingHistory h;
  for (const auto& j : json.at("epochs")) {
    EpochRecord e;
    e.epoch = j.at("epoch").get<int>();
    e.trainTotal = j.at("train_loss").get<double>();
    e.trainComponents = componentsFrom(j.at("train_components"));
    if (!j.at("val_loss").is_null())
      e.valTotal = j.at("val_loss").get<double>();
    e.valComponents = componentsFrom(j.at("val_components"));
    if (j.contains("val_metrics") && j.at("val_metrics").is_object()) {
      const auto& v = j.at("val_metrics");
      auto number = [&](const char* key) {
        return v.contains(key) && v.at(key).is_number() ? v.at(key).get<double>() : std::nan("");
      };
      ValidationMetrics m;
      m.l1 = number("l1");
      m.l1Zeros = number("l1_zeros");
      m.l1Subtraction = number("l1_subtraction");
      m.ssim = number("ssim");
      m.maskedL1 = number("masked_l1");
      m.pearson = number("pearson_r");
      m.auc = number("auc");
      m.pairs = v.value("pairs", 0);
      m.changedPairs = v.value("changed_pairs", 0);
      e.valMetrics = m;
    }
    e.learningRate = j.at("learning_rate").get<double>();
    e.beta1 = j.at("beta1").get<double>();
    e.seconds = j.at("seconds").get<double>();
    e.samplesPerSecond = j.value("samples_per_second", 0.0);
    e.best = j.at("best").get<bool>();
    h.epochs.push_back(e);
  }
  for (const auto& j : json.at("steps")) {
    StepRecord s;
    s.epoch = j.at("epoch").get<int>();
    s.batch = j.at("batch").get<int>();
    s.batchesInEpoch = j.at("batches_in_epoch").get<int>();
    s.globalBatch = j.at("global_batch").get<int64_t>();
    s.optimizerStep = j.at("optimizer_step").get<int64_t>();
    s.total = j.at("total").get<double>();
    s.components = componentsFrom(j.at("components"));
    s.learningRate = j.at("learning_rate").get<double>();
    s.beta1 = j.at("beta1").get<double>();
    s.samplesPerSecond = j.at("samples_per_second").get<double>();
    s.wallSeconds = j.at("wall_seconds").get<double>();
    h.steps.push_back(s);
  }
  for (const auto& j : json.at("edits")) {
    h.edits.push_back({j.at("epoch").get<int>(), j.at("optimizer_step").get<int64_t>(),
                       j.at("key").get<std::string>(), j.at("before").get<std::string>(),
                       j.at("after").get<std::string>()});
  }
  h.bestEpoch = json.at("best_epoch").get<int>();
  h.bestValLoss = json.at("best_val_loss").is_null() ? std::numeric_limits<double>::infinity()
                                                     : json.at("best_val_loss").get<double>();
  return h;
}

}  // namespace longmim
