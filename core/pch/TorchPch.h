// Precompiled header for the translation units that use LibTorch (torch/torch.h costs ~23 s to
// parse).
#pragma once

#include <torch/torch.h>
