#include "config/TrainingConfig.h"

#include "config/ConfigSchema.h"

namespace longmim {

bool TrainingConfig::operator==(const TrainingConfig& other) const {
  // Field by field through the schema, so a new field cannot be forgotten here.
  for (const ConfigField& field : configFields()) {
    const bool same =
        std::visit([&](auto member) { return this->*member == other.*member; }, field.member);
    if (!same)
      return false;
  }
  return true;
}

}  // namespace longmim
