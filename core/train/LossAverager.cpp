#include "train/LossAverager.h"

namespace longmim {

ComponentValues componentsOf(const loss::LossResult& r) {
  ComponentValues out;
  for (const loss::LossComponent& c : r.components)
    out.emplace_back(c.name, c.value);
  return out;
}

void LossAverager::add(const loss::LossResult& r, double w) {
  total += r.totalValue() * w;
  for (const loss::LossComponent& c : r.components) {
    bool found = false;
    for (auto& [name, sum] : sums) {
      if (name == c.name) {
        sum += c.value * w;
        found = true;
      }
    }
    if (!found)
      sums.emplace_back(c.name, c.value * w);
  }
  weight += w;
}

ComponentValues LossAverager::means() const {
  ComponentValues out = sums;
  for (auto& [name, v] : out)
    v = weight > 0 ? v / weight : 0.0;
  return out;
}

nlohmann::ordered_json LossAverager::toJson() const {
  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  for (const auto& [name, sum] : sums)
    components.push_back({name, sum});
  return {{"total", total}, {"weight", weight}, {"components", components}};
}

LossAverager LossAverager::fromJson(const nlohmann::json& j) {
  LossAverager a;
  a.total = j.at("total").get<double>();
  a.weight = j.at("weight").get<double>();
  for (const auto& c : j.at("components"))
    a.sums.emplace_back(c.at(0).get<std::string>(), c.at(1).get<double>());
  return a;
}

}  // namespace longmim
