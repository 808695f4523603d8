// Over 400 lines for a reason: the pickle interpreter, the bounded zip adapter and the two archive
// readers that use them share one anonymous namespace, so the interpreter stays private.
#include "model/TorchSaveReader.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/import_read.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <variant>
#include <vector>

#include "model/PickleScan.h"

// Written by hand: LibTorch 1.13's unpickler (torch::pickle_load) turns every
// collections.OrderedDict into None, and model.state_dict() is an OrderedDict, so it cannot read
// the state dicts users save from Python. This reader implements the subset of the pickle
// protocol that torch.save emits and rebuilds tensors from the zip's storage records with
// LibTorch's own zip reader (caffe2::serialize::PyTorchStreamReader).

namespace longmim::model {
namespace {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Global {
  std::string module;
  std::string name;
};
struct Mark {};
struct Storage {
  torch::Tensor flat;  // 1-D tensor over the whole storage
};
using Items = std::vector<ValuePtr>;
using Pairs = std::vector<std::pair<ValuePtr, ValuePtr>>;
struct Tuple {
  Items items;
};
struct List {
  Items items;
};
struct Dict {
  Pairs items;
};

struct Value {
  std::variant<std::monostate, bool, int64_t, double, std::string, Global, Mark, Storage,
               torch::Tensor, Tuple, List, Dict>
      v;
};

ValuePtr make(decltype(Value::v) v) {
  return std::make_shared<Value>(Value{std::move(v)});
}

class BytesAdapter : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesAdapter(const std::string& bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char*) const override {
    if (pos >= bytes_.size())
      return 0;
    const size_t count = std::min<size_t>(n, bytes_.size() - pos);
    std::memcpy(buf, bytes_.data() + pos, count);
    return count;
  }

 private:
  const std::string& bytes_;
};

torch::ScalarType storageType(const std::string& name) {
  static const std::map<std::string, torch::ScalarType> types = {
      {"FloatStorage", torch::kFloat}, {"DoubleStorage", torch::kDouble},
      {"HalfStorage", torch::kHalf},   {"BFloat16Storage", torch::kBFloat16},
      {"LongStorage", torch::kLong},   {"IntStorage", torch::kInt},
      {"ShortStorage", torch::kShort}, {"CharStorage", torch::kChar},
      {"ByteStorage", torch::kByte},   {"BoolStorage", torch::kBool}};
  const auto it = types.find(name);
  if (it == types.end())
    throw std::runtime_error("unsupported storage type torch." + name);
  return it->second;
}

class Unpickler {
 public:
  Unpickler(const std::string& pickle, caffe2::serialize::PyTorchStreamReader& zip)
      : data_(pickle), zip_(zip) {}

  ValuePtr run() {
    for (;;) {
      const unsigned char op = byte();
      switch (op) {
        case 0x80:
          byte();
          break;  // PROTO
        case 0x95:
          bytes(8);
          break;  // FRAME
        case '.':
          return pop();  // STOP
        case 'c': {      // GLOBAL
          const std::string module = line();
          push(make(Global{module, line()}));
          break;
        }
        case 'q':
          memo_[byte()] = top();
          break;  // BINPUT
        case 'r':
          memo_[uint32()] = top();
          break;  // LONG_BINPUT
        case 0x94:
          memo_[memo_.size()] = top();
          break;  // MEMOIZE
        case 'h':
          push(memoAt(byte()));
          break;  // BINGET
        case 'j':
          push(memoAt(uint32()));
          break;  // LONG_BINGET
        case '(':
          push(make(Mark{}));
          break;  // MARK
        case ')':
          push(make(Tuple{}));
          break;  // EMPTY_TUPLE
        case 't':
          push(make(Tuple{popMark()}));
          break;  // TUPLE
        case 0x85:
          tuple(1);
          break;  // TUPLE1
        case 0x86:
          tuple(2);
          break;  // TUPLE2
        case 0x87:
          tuple(3);
          break;  // TUPLE3
        case ']':
          push(make(List{}));
          break;     // EMPTY_LIST
        case 'a': {  // APPEND
          ValuePtr item = pop();
          as<List>(top()).items.push_back(item);
          break;
        }
        case 'e': {  // APPENDS
          Items items = popMark();
          Items& list = as<List>(top()).items;
          list.insert(list.end(), items.begin(), items.end());
          break;
        }
        case '}':
          push(make(Dict{}));
          break;     // EMPTY_DICT
        case 's': {  // SETITEM
          ValuePtr value = pop();
          ValuePtr key = pop();
          setItem(top(), key, value);
          break;
        }
        case 'u': {  // SETITEMS
          Items items = popMark();
          for (size_t i = 0; i + 1 < items.size(); i += 2)
            setItem(top(), items[i], items[i + 1]);
          break;
        }
        case 'N':
          push(make(std::monostate{}));
          break;  // NONE
        case 0x88:
          push(make(true));
          break;  // NEWTRUE
        case 0x89:
          push(make(false));
          break;  // NEWFALSE
        case 'K':
          push(make(static_cast<int64_t>(byte())));
          break;  // BININT1
        case 'M':
          push(make(static_cast<int64_t>(uint16())));
          break;  // BININT2
        case 'J':
          push(make(static_cast<int64_t>(static_cast<int32_t>(uint32()))));
          break;  // BININT
        case 0x8a:
          push(make(long1()));
          break;  // LONG1
        case 'G':
          push(make(binfloat()));
          break;  // BINFLOAT
        case 'X':
          push(make(bytes(uint32())));
          break;  // BINUNICODE
        case 0x8c:
          push(make(bytes(byte())));
          break;  // SHORT_BINUNICODE
        case 'B':
          push(make(bytes(uint32())));
          break;  // BINBYTES
        case 'C':
          push(make(bytes(byte())));
          break;  // SHORT_BINBYTES
        case 'Q':
          push(persistent(pop()));
          break;     // BINPERSID
        case 'R': {  // REDUCE
          ValuePtr args = pop();
          ValuePtr callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 0x81: {  // NEWOBJ
          ValuePtr args = pop();
          ValuePtr cls = pop();
          push(reduce(cls, args));
          break;
        }
        case 'b':
          pop();
          break;  // BUILD: state (e.g. _metadata) is ignored
        default:
          throw std::runtime_error("unsupported pickle opcode 0x" + hex(op) + " at byte " +
                                   std::to_string(pos_ - 1));
      }
    }
  }

 private:
  template <typename T>
  static T& as(const ValuePtr& value) {
    if (auto* p = std::get_if<T>(&value->v))
      return *p;
    throw std::runtime_error("malformed pickle: unexpected value type");
  }

  static std::string hex(unsigned v) {
    const char* digits = "0123456789abcdef";
    return {digits[(v >> 4) & 15], digits[v & 15]};
  }

  unsigned char byte() {
    if (pos_ >= data_.size())
      throw std::runtime_error("truncated pickle");
    return static_cast<unsigned char>(data_[pos_++]);
  }
  std::string bytes(size_t n) {
    if (pos_ + n > data_.size())
      throw std::runtime_error("truncated pickle");
    std::string out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint16_t uint16() {
    const std::string b = bytes(2);
    return static_cast<uint16_t>(static_cast<unsigned char>(b[0]) |
                                 (static_cast<unsigned char>(b[1]) << 8));
  }
  uint32_t uint32() {
    const std::string b = bytes(4);
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
      v = (v << 8) | static_cast<unsigned char>(b[i]);
    return v;
  }
  int64_t long1() {
    const size_t n = byte();
    if (n > 8)
      throw std::runtime_error("malformed pickle: a LONG1 of " + std::to_string(n) +
                               " bytes does not fit in 64 bits");
    const std::string b = bytes(n);
    uint64_t v = 0;  // unsigned: shifting a signed value past its range is undefined
    for (size_t i = n; i-- > 0;)
      v = (v << 8) | static_cast<unsigned char>(b[i]);
    if (n > 0 && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80))
      v -= uint64_t(1) << (8 * n);  // two's complement of an n-byte negative number
    return static_cast<int64_t>(v);
  }
  double binfloat() {
    const std::string b = bytes(8);
    unsigned char big[8];
    for (int i = 0; i < 8; ++i)
      big[i] = static_cast<unsigned char>(b[7 - i]);  // big-endian
    double v;
    std::memcpy(&v, big, 8);
    return v;
  }
  std::string line() {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string::npos)
      throw std::runtime_error("truncated pickle");
    std::string out = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }

  // The value on top of the stack, which an opcode reads without popping it.
  const ValuePtr& top() const {
    if (stack_.empty())
      throw std::runtime_error("malformed pickle: stack underflow");
    return stack_.back();
  }
  void push(ValuePtr v) { stack_.push_back(std::move(v)); }
  ValuePtr pop() {
    if (stack_.empty())
      throw std::runtime_error("malformed pickle: stack underflow");
    ValuePtr v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Items popMark() {
    Items items;
    while (!stack_.empty() && !std::holds_alternative<Mark>(stack_.back()->v))
      items.insert(items.begin(), pop());
    if (stack_.empty())
      throw std::runtime_error("malformed pickle: missing mark");
    stack_.pop_back();
    return items;
  }
  void tuple(size_t n) {
    Items items(n);
    for (size_t i = n; i-- > 0;)
      items[i] = pop();
    push(make(Tuple{items}));
  }
  ValuePtr memoAt(size_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end())
      throw std::runtime_error("malformed pickle: missing memo entry");
    return it->second;
  }
  static void setItem(const ValuePtr& dict, const ValuePtr& key, const ValuePtr& value) {
    as<Dict>(dict).items.emplace_back(key, value);
  }

  ValuePtr persistent(const ValuePtr& pid) {
    const Items& t = as<Tuple>(pid).items;
    if (t.size() < 5 || as<std::string>(t[0]) != "storage")
      throw std::runtime_error("unsupported persistent id");
    const torch::ScalarType type = storageType(as<Global>(t[1]).name);
    const std::string key = as<std::string>(t[2]);
    const auto it = storages_.find(key);
    if (it != storages_.end())
      return make(Storage{it->second});
    auto record = zip_.getRecord("data/" + key);
    const size_t size = std::get<1>(record);
    const int64_t elements = static_cast<int64_t>(size / c10::elementSize(type));
    torch::Tensor flat = torch::empty({elements}, torch::TensorOptions().dtype(type));
    std::memcpy(flat.data_ptr(), std::get<0>(record).get(),
                static_cast<size_t>(elements) * c10::elementSize(type));
    storages_[key] = flat;
    return make(Storage{flat});
  }

  static std::vector<int64_t> ints(const ValuePtr& tuple) {
    std::vector<int64_t> out;
    for (const ValuePtr& v : as<Tuple>(tuple).items)
      out.push_back(as<int64_t>(v));
    return out;
  }

  ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
    const Global* g = std::get_if<Global>(&callable->v);
    if (!g)
      return make(std::monostate{});
    if (g->module == "collections" && g->name == "OrderedDict")
      return make(Dict{});
    const Items& a = std::get_if<Tuple>(&args->v) ? std::get<Tuple>(args->v).items : Items{};
    if (g->module == "torch._utils" && g->name == "_rebuild_tensor_v2" && a.size() >= 4) {
      const torch::Tensor flat = as<Storage>(a[0]).flat;
      const torch::Tensor t = flat.as_strided(ints(a[2]), ints(a[3]), as<int64_t>(a[1])).clone();
      return make(t);
    }
    if (g->module == "torch._utils" && g->name == "_rebuild_parameter" && !a.empty())
      return a[0];
    // LibTorch's own pickler (torch::pickle_save) wraps typed containers: the value is argument 0.
    if (g->module == "torch.jit._pickle" && !a.empty())
      return a[0];
    return make(std::monostate{});  // anything else (numpy scalars, custom classes): not needed
  }

  const std::string& data_;
  caffe2::serialize::PyTorchStreamReader& zip_;
  size_t pos_ = 0;
  std::vector<ValuePtr> stack_;
  std::map<size_t, ValuePtr> memo_;
  std::map<std::string, torch::Tensor> storages_;
};

void collect(const ValuePtr& value, const std::string& prefix,
             std::map<std::string, torch::Tensor>& out) {
  if (const auto* t = std::get_if<torch::Tensor>(&value->v)) {
    out[prefix] = *t;
  } else if (const auto* d = std::get_if<Dict>(&value->v)) {
    for (const auto& [key, item] : d->items) {
      std::string name;
      if (const auto* s = std::get_if<std::string>(&key->v))
        name = *s;
      else if (const auto* i = std::get_if<int64_t>(&key->v))
        name = std::to_string(*i);
      else
        continue;
      collect(item, prefix.empty() ? name : prefix + "." + name, out);
    }
  }
}

}  // namespace

std::map<std::string, torch::Tensor> readTorchSaveTensors(const std::string& bytes) {
  try {
    auto adapter = std::make_shared<BytesAdapter>(bytes);
    caffe2::serialize::PyTorchStreamReader zip(adapter);  // throws for non-zip input
    auto record = zip.getRecord("data.pkl");
    const std::string pickle(static_cast<const char*>(std::get<0>(record).get()),
                             std::get<1>(record));
    Unpickler unpickler(pickle, zip);
    std::map<std::string, torch::Tensor> tensors;
    collect(unpickler.run(), "", tensors);
    return tensors;
  } catch (const c10::Error& e) {
    // LibTorch's zip reader reports a damaged archive with c10::Error (not a runtime_error);
    // callers get the one documented exception type, with the first line of its message.
    const std::string what = e.what();
    throw std::runtime_error(what.substr(0, what.find('\n')));
  }
}

c10::IValue loadPickleArchive(const std::string& bytes) {
  caffe2::serialize::PyTorchStreamReader zip(std::make_shared<BytesAdapter>(bytes));
  const auto record = zip.getRecord("data.pkl");
  requireWellFormedPickle(
      std::string(static_cast<const char*>(std::get<0>(record).get()), std::get<1>(record)));
  // The arguments torch::pickle_load passes: archive "data", no prefixes, no custom types.
  return torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt, c10::nullopt,
                                           zip);
}

}  // namespace longmim::model
