// libFuzzer target: the readers of checkpoints and torch.save files, which come from strangers --
// loadCheckpoint (-c, the runs panel, evaluate) and readTorchSaveTensors / readStateDict
// (PRETRAINED_WEIGHTS, ENCODER_WEIGHTS). Each must read or throw an error (longmim::Error naming
// the file for the file readers, std::runtime_error for the byte parser); anything else -- a
// crash, an ASan or UBSan report, a leak, another exception type escaping -- is a finding.
#include <cstdint>
#include <string>

#include "Error.h"
#include "FuzzInput.h"
#include "model/TorchSaveReader.h"
#include "model/WeightImport.h"
#include "train/CheckpointStore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = longmim::fuzz::writeInput(data, size, ".pt");
  try {
    const longmim::Checkpoint checkpoint = longmim::loadCheckpoint(path);
    (void)checkpoint;
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  try {
    (void)longmim::model::readStateDict(path);
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  try {
    (void)longmim::model::readTorchSaveTensors(
        std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::runtime_error&) {
    // the documented failure of the byte parser
  }
  return 0;
}
