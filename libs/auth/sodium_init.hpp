#pragma once
// libsodium must be initialised once before use; every entry point of this library that uses it calls this.
namespace agora::auth {

void ensure_sodium();

}  // namespace agora::auth
