// The hashing limit: what MD5 + CRC64 alone cost on this machine. An uploader must compute
// both for every byte (Content-MD5 per part, the object's CRC64), so no upload that checks
// its data can go faster than this with the same parallelism.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "bench_common.h"
#include "commands.h"
#include "ossup/protocol/checksum.h"

namespace ossup::bench {
namespace {

// Exactly what the client computes per part (client/src/part_io.cc).
uint64_t Fingerprint(const char* data, size_t size) {
  const protocol::Md5AndCrc64 sums = protocol::Md5AndCrc64Of(std::string_view(data, size));
  return sums.crc64 ^ sums.md5[0];
}

void ReadPart(int fd, uint64_t offset, size_t size, char* into) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, into + done, size - done, static_cast<off_t>(offset + done));
    if (n <= 0) throw std::runtime_error("hash: cannot read the file");
    done += static_cast<size_t>(n);
  }
}

}  // namespace

nlohmann::json RunHash(const HashOptions& options) {
  int fd = -1;
  uint64_t total = options.bytes;
  std::string memory;
  if (!options.file.empty()) {
    fd = ::open(options.file.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error("hash: cannot open " + options.file);
    total = static_cast<uint64_t>(::lseek(fd, 0, SEEK_END));
  } else {
    memory.resize(total);
    FillRandom(memory.data(), memory.size(), 42);
  }
  const uint64_t part = options.part_size;
  const uint64_t parts = (total + part - 1) / part;

  std::vector<double> seconds, cpu;
  std::atomic<uint64_t> sink{0};
  for (int r = 0; r < options.repeat; ++r) {
    std::atomic<uint64_t> next{0};
    auto start = Clock::now();
    double cpu_start = SelfCpuSeconds();
    std::vector<std::thread> threads;
    for (int t = 0; t < options.parallel; ++t) {
      threads.emplace_back([&] {
        std::string buffer(fd >= 0 ? part : 0, '\0');
        for (uint64_t index; (index = next++) < parts;) {
          uint64_t offset = index * part;
          size_t n = static_cast<size_t>(std::min(part, total - offset));
          const char* data = memory.data() + offset;
          if (fd >= 0) {
            ReadPart(fd, offset, n, buffer.data());
            data = buffer.data();
          }
          sink ^= Fingerprint(data, n);
        }
      });
    }
    for (auto& t : threads) t.join();
    seconds.push_back(SecondsSince(start));
    cpu.push_back(SelfCpuSeconds() - cpu_start);
  }
  if (fd >= 0) ::close(fd);

  nlohmann::json samples = nlohmann::json::array();
  for (double s : seconds) samples.push_back(total / s / 1e6);
  double median = Median(seconds);
  return {{"op", "hash"},
          {"source", options.file.empty() ? "memory" : "file"},
          {"bytes", total},
          {"part_size", part},
          {"parallel", options.parallel},
          {"seconds", median},
          {"mb_per_s", total / median / 1e6},
          {"samples_mb_per_s", samples},
          {"cpu_seconds", Median(cpu)},
          {"checksum_sink", sink.load() & 0xff}};
}

nlohmann::json RunMakeFile(const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("mkfile: cannot create " + path);
  constexpr size_t kBlock = 8 << 20;
  std::string block(kBlock, '\0');
  auto start = Clock::now();
  for (uint64_t offset = 0, index = 1; offset < size; offset += kBlock, ++index) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, size - offset));
    FillRandom(block.data(), n, index * 0x9E3779B97F4A7C15ull);
    for (size_t done = 0; done < n;) {
      ssize_t w = ::write(fd, block.data() + done, n - done);
      if (w <= 0) {
        ::close(fd);
        throw std::runtime_error("mkfile: cannot write " + path);
      }
      done += static_cast<size_t>(w);
    }
  }
  ::close(fd);
  return {{"op", "mkfile"}, {"path", path}, {"bytes", size}, {"seconds", SecondsSince(start)}};
}

}  // namespace ossup::bench
