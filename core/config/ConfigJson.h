// TrainingConfig <-> JSON (the params files, presets, `--set KEY=VALUE`), with errors naming key
// and file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/ConfigSchema.h"
#include "config/TrainingConfig.h"

namespace longmim {

// Every field under its seed constant name, in schema order.
nlohmann::ordered_json configToJson(const TrainingConfig& config);

// The value of one field as JSON.
nlohmann::json configValue(const TrainingConfig& config, const ConfigField& field);

// Sets one field from JSON. Throws ConfigError when the JSON type does not fit the field.
// `source` names where the value came from ("params.json", "--set") for the message.
void setConfigValue(TrainingConfig& config, const ConfigField& field, const nlohmann::json& value,
                    const std::string& source);

// Applies every key of a JSON object. Unknown keys and wrong types throw ConfigError; ranges are
// checked separately by validateConfig so that forms can show out-of-range values inline.
void applyConfigJson(TrainingConfig& config, const nlohmann::json& object,
                     const std::string& source);

// Parses "KEY=VALUE" (as given to --set) using the field's type and applies it.
void applyConfigAssignment(TrainingConfig& config, const std::string& assignment);

// Reads a params JSON file on top of `base`: the file's PRESET (if any) is applied first unless
// `keepBasePreset` is set, then every key of the file. Throws Error naming the file when it cannot
// be read, is not JSON, has an unknown key or a value of the wrong type. Ranges are not checked
// here (validateConfig does), so a form can load a file and mark its out-of-range values.
TrainingConfig loadConfigFile(const std::string& path, const TrainingConfig& base,
                              bool keepBasePreset = false);

// Writes the whole configuration atomically (temporary file + rename): an existing file is either
// replaced completely or left untouched.
void saveConfigFile(const TrainingConfig& config, const std::string& path);

}  // namespace longmim
