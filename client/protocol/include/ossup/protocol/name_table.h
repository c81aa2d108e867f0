// Two-way lookups in a constant table of (enum value, name) pairs: the names an enum has in
// wire text, plans and scenario files.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace ossup::protocol {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

/// The first name `table` gives `value`; `fallback` when it gives none.
template <typename E, std::size_t N>
constexpr std::string_view LookupName(const NameTable<E, N>& table, E value,
                                      std::string_view fallback) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return fallback;
}

/// The first value `table` names `name`; nullopt when it names none.
template <typename E, std::size_t N>
constexpr std::optional<E> LookupValue(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [value, candidate] : table) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

}  // namespace ossup::protocol
