#pragma once
// PostgreSQL array literals ("{1,2,3}") for parameters cast to an array type in SQL ($1::bigint[]):
// a statement then takes any number of rows through unnest() in one round trip.
#include <cstdint>
#include <span>
#include <string>

namespace agora::pg {

std::string array_of(std::span<const std::int64_t> values);
// Each element double-quoted, with backslashes and quotes escaped: any text, NULL included as a word.
std::string array_of(std::span<const std::string> values);

}  // namespace agora::pg
