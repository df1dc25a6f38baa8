#pragma once
// A SQL statement with its name, declared as a constant beside the code that runs it. The name
// identifies the prepared statement on every connection, so one name must always carry the same SQL.
#include <string_view>

namespace agora::pg {

struct Query {
    std::string_view name;
    std::string_view sql;
};

}  // namespace agora::pg
