#pragma once
// The statements of a SQL text without what does not change their meaning: `--` and `/* */` comments
// removed, white space between two words made one space and white space next to punctuation removed,
// while quoted strings, quoted identifiers and dollar-quoted bodies are kept exactly. A migration whose comments are reworded keeps its checksum.
#include <string>
#include <string_view>

namespace agora::pg {

std::string statements_of(std::string_view sql);

}  // namespace agora::pg
