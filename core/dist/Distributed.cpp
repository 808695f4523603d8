#include "dist/Distributed.h"

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL  // a LibTorch built with CUDA and NCCL (Debian's is not: never compiled here)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "Error.h"

namespace longmim::dist {
namespace {

// Gradients are reduced in flat buckets of about this size, as DDP's bucket_cap_mb (25 MB).
constexpr int64_t kBucketBytes = 25 * 1024 * 1024;

int intFromEnvironment(const char* name, int fallback, int lowest, int highest) {
  const char* text = std::getenv(name);
  if (!text || !*text)
    return fallback;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || value < lowest || value > highest) {
    throw ConfigError(name, std::string(name) + " must be a whole number from " +
                                std::to_string(lowest) + " to " + std::to_string(highest) +
                                " (got '" + text + "')");
  }
  return static_cast<int>(value);
}

bool isLoopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// Groups tensors into runs of at most kBucketBytes (a tensor larger than that is a bucket alone).
std::vector<std::vector<at::Tensor>> buckets(const std::vector<at::Tensor>& tensors) {
  std::vector<std::vector<at::Tensor>> out;
  int64_t bytes = 0;
  for (const at::Tensor& t : tensors) {
    const int64_t size = t.numel() * static_cast<int64_t>(t.element_size());
    if (out.empty() || bytes + size > kBucketBytes ||
        out.back().front().scalar_type() != t.scalar_type()) {
      out.emplace_back();
      bytes = 0;
    }
    out.back().push_back(t);
    bytes += size;
  }
  return out;
}

}  // namespace

WorldSpec worldFromEnvironment() {
  WorldSpec world;
  world.worldSize = intFromEnvironment("WORLD_SIZE", 1, 1, 65536);
  world.rank = intFromEnvironment("RANK", 0, 0, world.worldSize - 1);
  world.localRank = intFromEnvironment("LOCAL_RANK", world.rank, 0, 65535);
  world.masterPort = intFromEnvironment("MASTER_PORT", world.masterPort, 1, 65535);
  world.timeoutSeconds = intFromEnvironment("LONGMIM_DIST_TIMEOUT", world.timeoutSeconds, 1, 86400);
  if (const char* address = std::getenv("MASTER_ADDR"); address && *address)
    world.masterAddress = address;
  return world;
}

std::vector<size_t> shardOf(const std::vector<size_t>& order, int rank, int worldSize, bool pad) {
  if (worldSize <= 1 || order.empty())
    return order;
  const size_t world = static_cast<size_t>(worldSize);
  const size_t padded = pad ? (order.size() + world - 1) / world * world : order.size();
  std::vector<size_t> shard;
  for (size_t i = static_cast<size_t>(rank); i < padded; i += world)
    shard.push_back(order[i % order.size()]);
  return shard;
}

struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  torch::Device device = torch::kCPU;  // where the group's own tensors live (CUDA under NCCL)

  // Runs a collective; a peer that died or stalled becomes an Error naming this rank.
  template <typename Fn>
  void collective(const WorldSpec& world, const char* what, Fn&& fn) {
    c10::intrusive_ptr<c10d::Work> work;
    try {
      work = fn();
    } catch (const std::exception& e) {
      fail(world, what, e);
    }
    wait(world, what, work);
  }

  static void wait(const WorldSpec& world, const char* what,
                   const c10::intrusive_ptr<c10d::Work>& work) {
    try {
      work->wait();
    } catch (const std::exception& e) {
      fail(world, what, e);
    }
  }

  [[noreturn]] static void fail(const WorldSpec& world, const char* what, const std::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw Error("worker " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize) +
                ": " + what + " failed -- another worker stopped or is not responding (" + reason +
                ")");
  }
};

ProcessGroup::ProcessGroup(const WorldSpec& world)
    : world_(world), impl_(std::make_unique<Impl>()) {
#ifdef USE_C10D_NCCL
  const bool nccl =
      world_.backend == "nccl" || (world_.backend == "auto" && torch::cuda::is_available());
  if (nccl && !torch::cuda::is_available()) {
    throw ConfigError("DIST_BACKEND",
                      "the NCCL backend needs a CUDA device; none is visible "
                      "(use --backend gloo)");
  }
#else
  if (world_.backend == "nccl") {
    throw ConfigError("DIST_BACKEND",
                      "the NCCL backend needs a LibTorch built with CUDA; this one is CPU-only "
                      "(use --backend gloo)");
  }
#endif
  const auto timeout = std::chrono::milliseconds(int64_t(world_.timeoutSeconds) * 1000);
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(world_.masterPort);
    options.isServer = world_.rank == 0;
    options.numWorkers = static_cast<size_t>(world_.worldSize);
    options.waitWorkers = true;
    options.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(world_.masterAddress, options);
#ifdef USE_C10D_NCCL
    if (nccl) {  // one GPU per worker, chosen by LOCAL_RANK as torchrun does
      auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
      ncclOptions->timeout = timeout;
      impl_->device = torch::Device(
          torch::kCUDA, static_cast<c10::DeviceIndex>(
                            world_.localRank % static_cast<int>(torch::cuda::device_count())));
      impl_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, world_.rank,
                                                                 world_.worldSize, ncclOptions);
      return;
    }
#endif
    auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
    if (isLoopback(world_.masterAddress)) {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface) {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    gloo->threads = 2;
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, world_.rank,
                                                               world_.worldSize, gloo);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw ConfigError("MASTER_ADDR", "worker " + std::to_string(world_.rank) + " of " +
                                         std::to_string(world_.worldSize) +
                                         ": cannot join the group at " + world_.masterAddress +
                                         ":" + std::to_string(world_.masterPort) + " (" + reason +
                                         ")");
  }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::broadcastFromMain(const std::vector<at::Tensor>& tensors) {
  torch::NoGradGuard noGrad;
  for (const std::vector<at::Tensor>& bucket : buckets(tensors)) {
    std::vector<at::Tensor> flat{at::flatten_dense_tensors(bucket)};
    c10d::BroadcastOptions options;
    options.rootRank = 0;
    impl_->collective(world_, "broadcasting the parameters",
                      [&] { return impl_->group->broadcast(flat, options); });
    const std::vector<at::Tensor> parts = at::unflatten_dense_tensors(flat[0], bucket);
    for (size_t i = 0; i < bucket.size(); ++i)
      bucket[i].copy_(parts[i]);
  }
}

void ProcessGroup::averageGradients(const std::vector<at::Tensor>& parameters) {
  torch::NoGradGuard noGrad;
  const auto start = std::chrono::steady_clock::now();
  std::vector<at::Tensor> gradients;
  for (const at::Tensor& p : parameters) {
    if (!p.requires_grad())
      continue;
    at::Tensor& grad = const_cast<at::Tensor&>(p).mutable_grad();
    if (!grad.defined())
      grad = torch::zeros_like(p);
    gradients.push_back(grad);
  }
  for (const std::vector<at::Tensor>& bucket : buckets(gradients)) {
    std::vector<at::Tensor> flat{at::flatten_dense_tensors(bucket)};
    impl_->collective(world_, "averaging the gradients",
                      [&] { return impl_->group->allreduce(flat); });
    flat[0].div_(world_.worldSize);
    const std::vector<at::Tensor> parts = at::unflatten_dense_tensors(flat[0], bucket);
    for (size_t i = 0; i < bucket.size(); ++i)
      bucket[i].copy_(parts[i]);
  }
  gradientSeconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++gradientReductions_;
}

void ProcessGroup::sumInPlace(at::Tensor& tensor, const char* what) {
  std::vector<at::Tensor> t{tensor};
  impl_->collective(world_, what, [&] { return impl_->group->allreduce(t); });
}

std::function<void()> ProcessGroup::startSum(const at::Tensor& tensor, const char* what) {
  std::vector<at::Tensor> t{tensor};
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = impl_->group->allreduce(t);
  } catch (const std::exception& e) {
    Impl::fail(world_, what, e);
  }
  const WorldSpec world = world_;
  return [world, what, work] { Impl::wait(world, what, work); };
}

std::vector<double> ProcessGroup::sum(const std::vector<double>& values) {
  if (values.empty())
    return values;
  std::vector<at::Tensor> t{torch::tensor(values, torch::kDouble).to(impl_->device)};
  impl_->collective(world_, "summing the metrics", [&] { return impl_->group->allreduce(t); });
  const at::Tensor host = t[0].cpu();
  return std::vector<double>(host.data_ptr<double>(), host.data_ptr<double>() + values.size());
}

std::string ProcessGroup::broadcastText(const std::string& text) {
  c10d::BroadcastOptions options;
  options.rootRank = 0;
  std::vector<at::Tensor> length{
      torch::tensor({static_cast<int64_t>(text.size())}, torch::kLong).to(impl_->device)};
  impl_->collective(world_, "sharing the commands",
                    [&] { return impl_->group->broadcast(length, options); });
  const int64_t n = length[0].item<int64_t>();
  if (n == 0)
    return {};
  at::Tensor host = torch::zeros({n}, torch::kUInt8);
  if (isMain())
    std::memcpy(host.data_ptr<uint8_t>(), text.data(), text.size());
  std::vector<at::Tensor> bytes{host.to(impl_->device)};
  impl_->collective(world_, "sharing the commands",
                    [&] { return impl_->group->broadcast(bytes, options); });
  host = bytes[0].cpu();
  return std::string(reinterpret_cast<const char*>(host.data_ptr<uint8_t>()),
                     static_cast<size_t>(n));
}

void ProcessGroup::barrier() {
  impl_->collective(world_, "waiting for the other workers",
                    [&] { return impl_->group->barrier(); });
}

}  // namespace longmim::dist
