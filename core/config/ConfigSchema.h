// The description of every TrainingConfig field: key, type, group, range, help text, run-time
// editability. JSON load/save, `--set KEY=VALUE`, validation and the GUI form are all driven by
// this one table.
#pragma once

#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim {

enum class ConfigGroup { Data, Augmentation, Model, Optimisation, Losses, Output };

const char* groupName(ConfigGroup group);

using ConfigMember = std::variant<bool TrainingConfig::*, int TrainingConfig::*,
                                  double TrainingConfig::*, std::string TrainingConfig::*>;

// What a field may be changed by while a run is in progress.
enum class RunEdit {
  Locked,  // fixed for the whole run (image size, architecture, batch size, ...)
  Live,    // applied at the next optimizer step (lambdas, loss toggles, LR multiplier)
};

struct ConfigField {
  std::string key;  // the seed's constant name, e.g. "BATCH_SIZE"
  ConfigGroup group = ConfigGroup::Data;
  ConfigMember member;
  std::string help;  // one or two sentences; the GUI's tooltip and `config describe`
  // Numeric range (ints and doubles). Exclusive bounds are used for "> 0" style limits.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool minExclusive = false;
  bool maxExclusive = false;
  int multipleOf = 1;                // ints only
  std::vector<std::string> choices;  // strings only; empty = free text
  bool isPath = false;               // strings only
  RunEdit runEdit = RunEdit::Locked;

  bool isBool() const { return std::holds_alternative<bool TrainingConfig::*>(member); }
  bool isInt() const { return std::holds_alternative<int TrainingConfig::*>(member); }
  bool isDouble() const { return std::holds_alternative<double TrainingConfig::*>(member); }
  bool isString() const { return std::holds_alternative<std::string TrainingConfig::*>(member); }
  const char* typeName() const;
  // "an integer >= 1, a multiple of 32", "a number in (0, 10]", "one of: big, reference", ...
  std::string allowedText() const;
};

// All fields, in the order they are shown and written.
const std::vector<ConfigField>& configFields();

// nullptr when there is no such key.
const ConfigField* findConfigField(const std::string& key);

// The known key closest to `key` (edit distance), for "did you mean" hints; empty if none is close.
std::string closestConfigKey(const std::string& key);

}  // namespace longmim
