#pragma once
// Every environment variable a service reads is documented in docs/operations.md ("Settings of every
// service" and the sections after it). A configuration test loads the service's configuration from an
// empty environment and asks which of the variables it read are missing there.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace agora::testing {

// The variables `env` was asked for that docs/operations.md does not name in a table row: a name
// counts when it stands there in backticks as it is, or with its service's prefix written <SVC>
// (AUTH_DATABASE_URL as `<SVC>_DATABASE_URL`). A secret's <NAME>_FILE counts when its <NAME> does.
std::vector<std::string> undocumented_settings(const config::Env& env);

}  // namespace agora::testing
