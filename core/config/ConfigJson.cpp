#include "config/ConfigJson.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "Error.h"
#include "config/Presets.h"
#include "io/AtomicFile.h"

namespace longmim {
namespace {

std::string jsonTypeName(const nlohmann::json& value) {
  if (value.is_boolean())
    return "a boolean";
  if (value.is_number_integer() || value.is_number_unsigned())
    return "an integer";
  if (value.is_number())
    return "a number";
  if (value.is_string())
    return "a string";
  if (value.is_null())
    return "null";
  if (value.is_array())
    return "an array";
  return "an object";
}

[[noreturn]] void throwWrongType(const ConfigField& field, const nlohmann::json& value,
                                 const std::string& source) {
  throw ConfigError(field.key, source + ": " + field.key + " must be " + field.allowedText() +
                                   ", got " + jsonTypeName(value) + " (" + value.dump() + ")");
}

std::string lowercase(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Text given on the command line, read with the field's type.
nlohmann::json parseAssignedText(const ConfigField& field, const std::string& text) {
  const std::string source = "--set " + field.key;
  if (field.isString())
    return text;
  if (field.isBool()) {
    const std::string t = lowercase(text);
    if (t == "true" || t == "1" || t == "yes" || t == "on")
      return true;
    if (t == "false" || t == "0" || t == "no" || t == "off")
      return false;
    throw ConfigError(field.key,
                      source + ": " + field.key + " must be true or false, got '" + text + "'");
  }
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  if (field.isInt()) {
    const long long v = std::strtoll(begin, &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) {
      throw ConfigError(field.key, source + ": " + field.key + " must be " + field.allowedText() +
                                       ", got '" + text + "'");
    }
    return v;
  }
  const double v = std::strtod(begin, &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
    throw ConfigError(field.key, source + ": " + field.key + " must be " + field.allowedText() +
                                     ", got '" + text + "'");
  }
  return v;
}

}  // namespace

nlohmann::json configValue(const TrainingConfig& config, const ConfigField& field) {
  return std::visit([&](auto member) { return nlohmann::json(config.*member); }, field.member);
}

nlohmann::ordered_json configToJson(const TrainingConfig& config) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const ConfigField& field : configFields()) {
    std::visit([&](auto member) { out[field.key] = config.*member; }, field.member);
  }
  return out;
}

void setConfigValue(TrainingConfig& config, const ConfigField& field, const nlohmann::json& value,
                    const std::string& source) {
  if (field.isBool()) {
    if (!value.is_boolean())
      throwWrongType(field, value, source);
    config.*std::get<bool TrainingConfig::*>(field.member) = value.get<bool>();
  } else if (field.isInt()) {
    // Accept 4 and 4.0, refuse 4.5: JSON writers sometimes print integers as floats.
    if (!value.is_number() || value.is_boolean())
      throwWrongType(field, value, source);
    const double d = value.get<double>();
    if (std::floor(d) != d || std::fabs(d) > 2147483647.0)
      throwWrongType(field, value, source);
    config.*std::get<int TrainingConfig::*>(field.member) = static_cast<int>(d);
  } else if (field.isDouble()) {
    if (!value.is_number() || value.is_boolean())
      throwWrongType(field, value, source);
    config.*std::get<double TrainingConfig::*>(field.member) = value.get<double>();
  } else {
    if (!value.is_string())
      throwWrongType(field, value, source);
    config.*std::get<std::string TrainingConfig::*>(field.member) = value.get<std::string>();
  }
}

void applyConfigJson(TrainingConfig& config, const nlohmann::json& object,
                     const std::string& source) {
  if (!object.is_object()) {
    throw ConfigError(
        {}, source + ": expected a JSON object of KEY: value pairs, got " + jsonTypeName(object));
  }
  for (const auto& [key, value] : object.items()) {
    const ConfigField* field = findConfigField(key);
    if (!field) {
      const std::string hint = closestConfigKey(key);
      throw ConfigError(key, source + ": unknown key '" + key + "'" +
                                 (hint.empty() ? "" : " (did you mean " + hint + "?)"));
    }
    setConfigValue(config, *field, value, source);
  }
}

void applyConfigAssignment(TrainingConfig& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError({}, "--set expects KEY=VALUE, got '" + assignment + "'");
  }
  const std::string key = assignment.substr(0, eq);
  const ConfigField* field = findConfigField(key);
  if (!field) {
    const std::string hint = closestConfigKey(key);
    throw ConfigError(key, "--set: unknown key '" + key + "'" +
                               (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  setConfigValue(config, *field, parseAssignedText(*field, assignment.substr(eq + 1)), "--set");
}

TrainingConfig loadConfigFile(const std::string& path, const TrainingConfig& base,
                              bool keepBasePreset) {
  std::string text;
  try {
    text = readWholeFile(path);
  } catch (const Error& e) {
    throw ConfigError({}, std::string("cannot load the configuration: ") + e.what());
  }
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number too large for a double (found by
    // FuzzParamsJson: it escaped as an unexpected error).
    throw ConfigError({}, path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  TrainingConfig config = base;
  if (!keepBasePreset && object.is_object() && object.contains("PRESET")) {
    const nlohmann::json& preset = object["PRESET"];
    if (!preset.is_string() || !isPresetName(preset.get<std::string>())) {
      throwWrongType(*findConfigField("PRESET"), preset, path);
    }
    config = presetConfig(preset.get<std::string>());
  }
  applyConfigJson(config, object, path);
  if (keepBasePreset)
    config.preset = base.preset;
  return config;
}

void saveConfigFile(const TrainingConfig& config, const std::string& path) {
  writeFileAtomically(path, configToJson(config).dump(2) + "\n");
}

}  // namespace longmim
